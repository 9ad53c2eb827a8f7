using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Models;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Ml.Evaluation;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;
using Spectre.Console;

namespace NbaPredict.Workers.Cli;

/// <summary>
/// <c>evaluate --data DIR --predictions-out F.csv [--metrics-out F.json] [--model VERSION] [--absences F.csv]</c>:
/// walk forward through DIR with a frozen model and write one row per evaluated player-game and stat. With
/// <c>--absences</c>, the games it names are predicted with their inactive lists by the known-absence model.
/// </summary>
internal static class EvaluateCommand
{
    private static readonly JsonSerializerOptions IndentedJson = new(ModelTrainingService.Json) { WriteIndented = true };

    public static async Task<int> RunAsync(IServiceProvider services, CommandLineOptions options, TextWriter output, TextWriter error)
    {
        var directory = options.Required("data");
        var predictionsOut = options.Required("predictions-out");
        var metricsOut = options.Optional("metrics-out");
        var version = options.Optional("model");
        var reportDirectory = options.Optional("report");
        var absencesFile = options.Optional("absences");
        options.RejectUnknown();
        var files = BoxScoreFolder.Files(directory);
        if (absencesFile is not null && reportDirectory is not null)
        {
            // evaluation.md reports the goals, which are defined on the history-only walk
            throw new CommandLineException("--report documents the history-only evaluation and cannot be combined with --absences");
        }

        var namedAbsences = absencesFile is null ? null : ReadAbsences(absencesFile);

        var registry = services.GetRequiredService<ModelRegistryService>();
        var model = version is null ? await registry.GetProductionAsync() : await registry.GetAsync(version);
        if (model is null)
        {
            throw new CommandLineException(version is null
                ? "no production model yet: run 'train --promote' first"
                : $"no model version '{version}' in the registry");
        }

        ModelBundle bundle;
        try
        {
            bundle = ModelBundle.Load(await registry.LocalArtifactDirectoryAsync(model));
        }
        catch (DomainException ex)
        {
            throw new CommandLineException(ex.Message);
        }
        catch (FeatureSchemaMismatchException ex)
        {
            throw new CommandLineException(NbaCli.FirstLine(ex.Message));
        }

        var evaluated = await BoxScoreFolder.ReadAsync(files, error);
        var firstDay = evaluated.Min(r => r.Date);
        var history = await services.GetRequiredService<HistoryLoader>().LoadAsync(before: firstDay);

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = Math.Max(console.Profile.Width, 120);
        var temporary = predictionsOut + ".partial";
        var report = reportDirectory is null ? null : new Reports.EvaluationReport();
        WalkForwardResult result = null!;
        await using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(false)) { NewLine = "\n" })
        {
            await writer.WriteLineAsync("game_id,player_id,stat,predicted,lower80,upper80,lower95,upper95");
            console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(context =>
                {
                    var task = context.AddTask($"walk forward with {Markup.Escape(model.Version)}", maxValue: 1);
                    result = WalkForwardEvaluator.Run(bundle, history, evaluated, row =>
                    {
                        WriteRow(writer, row);
                        report?.Add(row);
                    }, (done, total) =>
                    {
                        task.MaxValue = total;
                        task.Value = done;
                    }, namedAbsences);
                });
        }

        // Output files appear whole or not at all.
        File.Move(temporary, predictionsOut, overwrite: true);
        if (metricsOut is not null)
        {
            var named = namedAbsences is null ? null : new
            {
                file = Path.GetFullPath(absencesFile!),
                teamGamesNamed = evaluated.Select(r => (r.GameId, r.TeamCode)).Distinct().Count(namedAbsences.ContainsKey),
                knownAbsenceModel = bundle.HasKnownAbsenceModel,
            };
            var json = JsonSerializer.Serialize(MetricsDocument(model.Version, model.FeatureSchemaVersion, directory, result, named), IndentedJson);
            await File.WriteAllTextAsync(metricsOut + ".partial", json);
            File.Move(metricsOut + ".partial", metricsOut, overwrite: true);
        }

        if (report is not null)
        {
            var command = $"dotnet run --project src/NbaPredict.Workers -- evaluate --data {directory} --predictions-out {predictionsOut}" +
                (metricsOut is null ? string.Empty : $" --metrics-out {metricsOut}") + $" --report {reportDirectory}";
            report.Write(reportDirectory!, command, model.Version, result);
        }

        var table = new Table().AddColumns("stat", "MAE", "season MAE", "last-10 MAE", "EWMA MAE", "vs last-10", "cov 80%", "cov 95%");
        foreach (var m in result.WithHistory.Values.OrderBy(m => m.Stat))
        {
            table.AddRow(m.Stat.ToString().ToUpperInvariant(), F(m.Mae), F(m.BaselineSeasonMae), F(m.BaselineLast10Mae), F(m.BaselineEwmaMae), $"{F(m.ImprovementVsLast10Pct)}%", P(m.Coverage80), P(m.Coverage95));
        }

        console.Write(table);
        console.WriteLine($"{result.RowsEvaluated:N0} player-games over {result.Days} days ({result.RowsWithoutHistory:N0} without prior games, excluded from the table); predictions in {predictionsOut}");
        return 0;
    }

    /// <summary>The inactive lists of <c>--absences</c>, or a one-line error naming the file and the bad line.</summary>
    private static Dictionary<(string GameId, string Team), int[]> ReadAbsences(string path)
    {
        if (!File.Exists(path))
        {
            throw new CommandLineException($"absences file '{path}' does not exist");
        }

        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            return KnownAbsences.Read(reader);
        }
        catch (InvalidDataException ex)
        {
            throw new CommandLineException($"{Path.GetFileName(path)}: {ex.Message}");
        }
    }

    private static void WriteRow(StreamWriter writer, EvaluatedRow row)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var p in row.Predictions.Span)
        {
            writer.Write(string.Create(c, $"{row.Actual.GameId},{row.Actual.PlayerId},{p.Stat.ToString().ToLowerInvariant()},{p.Value:0.###},{p.Lo80:0.###},{p.Hi80:0.###},{p.Lo95:0.###},{p.Hi95:0.###}\n"));
        }
    }

    private static object MetricsDocument(string version, string schema, string directory, WalkForwardResult result, object? namedAbsences) => new
    {
        model = version,
        featureSchemaVersion = schema,
        data = Path.GetFullPath(directory),
        namedAbsences,
        days = result.Days,
        rows = result.RowsEvaluated,
        rowsWithoutHistory = result.RowsWithoutHistory,
        note = "stats: rows whose player had at least one earlier game (baselines are defined); allRows: every evaluated row",
        stats = result.WithHistory.Values.OrderBy(m => m.Stat).ToDictionary(m => m.Stat.ToString().ToLowerInvariant(), Describe),
        allRows = result.AllRows.Values.OrderBy(m => m.Stat).ToDictionary(m => m.Stat.ToString().ToLowerInvariant(), Describe),
    };

    private static object Describe(StatMetrics m) => new
    {
        rows = m.Rows,
        mae = m.Mae,
        rmse = m.Rmse,
        r2 = m.R2,
        bias = m.Bias,
        baselineMae = new { seasonToDate = m.BaselineSeasonMae, last10 = m.BaselineLast10Mae, ewma = m.BaselineEwmaMae, last10Rounded = m.BaselineLast10RoundedMae },
        improvementVsLast10Pct = m.ImprovementVsLast10Pct,
        improvementVsLast10RoundedPct = m.ImprovementVsLast10RoundedPct,
        coverage80 = m.Coverage80,
        coverage95 = m.Coverage95,
        meanWidth80 = m.MeanWidth80,
        meanWidth95 = m.MeanWidth95,
        within2 = m.Within2,
        within5 = m.Within5,
        within10 = m.Within10,
    };

    private static string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

    private static string P(double share) => (share * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
