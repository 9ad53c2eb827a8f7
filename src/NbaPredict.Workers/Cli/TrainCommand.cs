using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Models;
using NbaPredict.Ml.Modeling;
using Spectre.Console;

namespace NbaPredict.Workers.Cli;

internal static class TrainCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, CommandLineOptions options, TextWriter output)
    {
        var promote = options.Flag("promote");
        var holdout = options.Optional("holdout-season");
        var quick = options.Flag("quick");
        var optionsFile = options.Optional("options");
        options.RejectUnknown();
        if (quick && optionsFile is not null)
        {
            throw new CommandLineException("--quick and --options cannot be combined: --quick picks its own hyperparameters");
        }

        TrainingOptions? trainingOptions;
        try
        {
            trainingOptions = optionsFile is not null ? HyperparameterTuningService.ReadOptions(optionsFile) : quick ? TrainingOptions.Quick : null;
        }
        catch (DomainException ex)
        {
            throw new CommandLineException(ex.Message);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = Math.Max(console.Profile.Width, 120);
        var trainer = services.GetRequiredService<ModelTrainingService>();
        TrainingOutcome outcome;
        try
        {
            outcome = await console.Status().StartAsync("training", async context =>
                await trainer.TrainAsync(
                    new TrainingRequest(holdout, promote, trainingOptions),
                    message =>
                    {
                        context.Status(Markup.Escape(message));
                        console.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(message)}");
                    }));
        }
        catch (DomainException ex)
        {
            throw new CommandLineException(ex.Message);
        }

        var metrics = outcome.Bundle.Manifest.ValidationMetrics.Values.OrderBy(m => m.Stat).ToList();
        // The known-absence model (ADR 0021) serves only what-ifs that name their unavailable players.
        var namedAbsences = outcome.Bundle.Manifest.KnownAbsenceValidationMetrics;
        var table = new Table().AddColumns("stat", "MAE", "last-10 MAE", "vs last-10", "cov 80%", "cov 95%", "rows", "vs last-10, absences named");
        foreach (var m in metrics)
        {
            table.AddRow(
                m.Stat.ToString().ToUpperInvariant(), F(m.Mae), F(m.BaselineLast10Mae), $"{F(m.ImprovementVsLast10Pct)}%", Pct(m.Coverage80), Pct(m.Coverage95),
                m.Rows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                namedAbsences.TryGetValue(m.Stat.ToString(), out var named) ? $"{F(named.ImprovementVsLast10Pct)}%" : "-");
        }

        console.Write(table);
        console.WriteLine($"model {outcome.Model.Version} ({outcome.Model.Stage.ToString().ToLowerInvariant()}), feature schema {outcome.Model.FeatureSchemaVersion}, trained in {outcome.Elapsed.TotalSeconds:F0}s; validation on {outcome.Model.CalibrationFrom:yyyy-MM-dd}…{outcome.Model.CalibrationTo:yyyy-MM-dd}");
        return 0;
    }

    private static string F(double value) => value.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);

    private static string Pct(double share) => (share * 100).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
