using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Models;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Modeling;
using Spectre.Console;

namespace NbaPredict.Workers.Cli;

/// <summary>
/// <c>tune</c>: successive-halving search of the L1 member's hyperparameters within a time budget. Each trial is
/// appended to the trials file (JSON lines) the moment it finishes, so an interrupted search loses nothing.
/// </summary>
internal static class TuneCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, CommandLineOptions options, TextWriter output)
    {
        var holdout = options.Optional("holdout-season");
        var trialsOut = options.Required("trials-out");
        var bestOut = options.Optional("best-out");
        var budgetMinutes = CommandLineOptions.ParseNumber("budget-minutes", options.Optional("budget-minutes") ?? "15", 0, 24 * 60);
        var configurations = CommandLineOptions.ParseWholeNumber("configurations", options.Optional("configurations") ?? "27", 1, 729);
        var stats = Stats(options.Optional("stats") ?? "pts,reb,ast");
        options.RejectUnknown();

        var settings = new SearchSettings { Stats = stats, Configurations = configurations, Budget = TimeSpan.FromMinutes(budgetMinutes) };
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = Math.Max(console.Profile.Width, 120);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(trialsOut))!);
        await using var trials = new StreamWriter(trialsOut, append: false);
        var tuner = services.GetRequiredService<HyperparameterTuningService>();
        TuningOutcome outcome;
        try
        {
            outcome = await console.Status().StartAsync("tuning", async context =>
                await tuner.TuneAsync(
                    new TuningRequest(settings, holdout),
                    trial =>
                    {
                        trials.WriteLine(JsonSerializer.Serialize(trial, ModelTrainingService.Json));
                        trials.Flush();
                        var line = string.Create(CultureInfo.InvariantCulture,
                            $"trial {trial.Id}: rung {trial.Rung} ({trial.TrainRows:N0} rows) score {trial.Score:F4} in {trial.Seconds:F0}s  {Describe(trial.Parameters)}");
                        context.Status(Markup.Escape(line));
                        console.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(line)}");
                    },
                    message => console.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(message)}")));
        }
        catch (DomainException ex)
        {
            throw new CommandLineException(ex.Message);
        }

        var result = outcome.Result;
        var top = result.Trials.Max(t => t.Rung);
        string[] columns = ["trial", "rung", "rows", "parameters", "score", .. stats.Select(s => $"{s.ToString().ToUpperInvariant()} vs last-10")];
        var table = new Table().AddColumns(columns);
        foreach (var t in result.Trials.Where(t => t.Rung == top).OrderBy(t => t.Score))
        {
            string[] cells =
            [
                t.Id.ToString(CultureInfo.InvariantCulture), t.Rung.ToString(CultureInfo.InvariantCulture), t.TrainRows.ToString("N0", CultureInfo.InvariantCulture),
                Markup.Escape(Describe(t.Parameters)), t.Score.ToString("F4", CultureInfo.InvariantCulture),
                .. stats.Select(s => t.ImprovementVsLast10Pct[s].ToString("F2", CultureInfo.InvariantCulture) + "%"),
            ];
            table.AddRow(cells);
        }

        console.Write(table);
        if (bestOut is not null)
        {
            await File.WriteAllTextAsync(bestOut, HyperparameterTuningService.WriteOptions(outcome.BestOptions));
        }

        var budgetNote = result.BudgetExhausted ? " (time budget reached)" : "";
        var optionsNote = bestOut is null ? "" : $"; options in {bestOut} (train --options {bestOut})";
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Trials.Count} trials{budgetNote}; best: trial {result.Best.Id}, {Describe(result.Best.Parameters)}; scored on {outcome.Plan.ValidateFrom:yyyy-MM-dd}…{outcome.Plan.ValidateTo:yyyy-MM-dd}; trials in {trialsOut}{optionsNote}"));
        return 0;
    }

    private static string Describe(L1Parameters p) => string.Create(CultureInfo.InvariantCulture,
        $"rounds {p.Iterations}, lr {p.LearningRate}, leaves {p.Leaves}, min leaf {p.MinDataInLeaf}, features {p.FeatureFraction}");

    private static StatKind[] Stats(string text)
    {
        var stats = new List<StatKind>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            stats.Add(Enum.TryParse<StatKind>(part, ignoreCase: true, out var s) && Enum.IsDefined(s)
                ? s
                : throw new CommandLineException($"--stats: '{part}' is not one of pts, reb, ast, fg3m, stl, blk, tov, min"));
        }

        return stats.Count > 0 ? [.. stats.Distinct()] : throw new CommandLineException("--stats needs at least one stat");
    }
}
