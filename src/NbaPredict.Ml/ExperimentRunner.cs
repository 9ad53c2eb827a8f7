using System.Diagnostics;
using System.Globalization;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Evaluation;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Ml;

/// <summary>Result of <see cref="ExperimentRunner.Run"/>.</summary>
public sealed record ExperimentResult(ModelBundle Bundle, IReadOnlyDictionary<StatKind, StatMetrics> Test, double FeatureSeconds, double TrainSeconds, string Report);

/// <summary>
/// The standard experiment: train 2015-16..2021-22, calibrate (stacking + conformal) on 2022-23,
/// evaluate once on the held-out 2023-24 season.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>Test window (2023-24 season).</summary>
    public static readonly (DateOnly From, DateOnly To) TestWindow = (new DateOnly(2023, 8, 1), new DateOnly(2024, 8, 1));

    /// <summary>Runs the experiment on data/nba (player_games_*.csv.gz) and optionally saves the bundle.</summary>
    public static ExperimentResult Run(string dataDirectory, string? saveTo = null, TrainingOptions? options = null, Action<string>? log = null, bool evaluateTest = true)
        => Run(dataDirectory, TrainingPlan.Standard, TestWindow, saveTo, options, log, evaluateTest);

    /// <summary>
    /// The same experiment on other windows, e.g. one season earlier (train ..2020-21, calibrate 2021-22, test 2022-23)
    /// to tune a training change without looking at the held-out season.
    /// </summary>
    public static ExperimentResult Run(string dataDirectory, TrainingPlan plan, (DateOnly From, DateOnly To) testWindow, string? saveTo = null, TrainingOptions? options = null, Action<string>? log = null, bool evaluateTest = true)
    {
        ArgumentNullException.ThrowIfNull(plan);
        log ??= Console.WriteLine;
        var sw = Stopwatch.StartNew();
        var records = NbaCsvReader.ReadDirectory(dataDirectory);
        log($"read {records.Count} rows in {sw.Elapsed.TotalSeconds:F1}s");
        sw.Restart();
        var (_, matrix) = FeatureStore.BuildHistorical(records);
        var featureSeconds = sw.Elapsed.TotalSeconds;
        log($"features: {matrix.Rows} rows x {matrix.Columns} in {featureSeconds:F1}s (schema {FeatureSchema.Version})");
        sw.Restart();
        var bundle = ModelTrainer.Train(matrix, plan, options, log);
        var trainSeconds = sw.Elapsed.TotalSeconds;
        log($"training took {trainSeconds:F1}s");
        if (saveTo is not null)
        {
            bundle.Save(saveTo);
            log($"saved bundle to {saveTo}");
        }

        var validation = bundle.Manifest.ValidationMetrics.ToDictionary(kv => Enum.Parse<StatKind>(kv.Key), kv => kv.Value);
        var report = $"Validation ({plan.CalibrationFrom:yyyy-MM-dd}..{plan.CalibrationTo:yyyy-MM-dd}, stacking half: weights fitted here, intervals calibrated on the other half; before any refit):\n" + Evaluator.FormatTable(validation);
        if (bundle.Manifest.KnownAbsenceValidationMetrics.Count > 0)
        {
            report += "\nThe same rows with each game's absences named, known-absence model (ADR 0021; what-if only):\n" +
                Evaluator.FormatTable(bundle.Manifest.KnownAbsenceValidationMetrics.ToDictionary(kv => Enum.Parse<StatKind>(kv.Key), kv => kv.Value));
        }

        IReadOnlyDictionary<StatKind, StatMetrics> test = new Dictionary<StatKind, StatMetrics>();
        if (evaluateTest)
        {
            test = Evaluator.Evaluate(bundle, matrix, testWindow.From, testWindow.To);
            report += $"\nTEST {testWindow.From:yyyy-MM-dd}..{testWindow.To:yyyy-MM-dd} (players with ≥1 previous game):\n" + Evaluator.FormatTable(test) + "\n" + Goals(test);
        }

        log(report);
        return new ExperimentResult(bundle, test, featureSeconds, trainSeconds, report);
    }

    private static string Goals(IReadOnlyDictionary<StatKind, StatMetrics> t)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string> { "MAE vs last-10-game mean baseline:" };
        foreach (var m in t.Values.OrderBy(m => m.Stat))
        {
            lines.Add(string.Create(c, $"  {m.Stat,-5} MAE {m.Mae:F3}  last-10 {m.BaselineLast10Mae:F3}  improvement {m.ImprovementVsLast10Pct:F2}%  cov80 {m.Coverage80 * 100:F1}%  cov95 {m.Coverage95 * 100:F1}%"));
        }

        foreach (var (s, g) in EvaluationGoals.Accuracy)
        {
            if (t.TryGetValue(s, out var m))
            {
                lines.Add(string.Create(c, $"  goal {s}: ≥{g}% → {(EvaluationGoals.AccuracyMet(m, g) ? "MET" : "NOT MET")} ({m.ImprovementVsLast10Pct:F2}%)"));
            }
        }

        foreach (var s in new[] { StatKind.Pts, StatKind.Reb, StatKind.Ast, StatKind.Min })
        {
            if (t.TryGetValue(s, out var m))
            {
                var ok = EvaluationGoals.CoverageMet(m);
                lines.Add(string.Create(c, $"  coverage {s}: 80%→{m.Coverage80 * 100:F1}%, 95%→{m.Coverage95 * 100:F1}% → {(ok ? "MET" : "NOT MET")}"));
            }
        }

        return string.Join('\n', lines) + "\n";
    }
}
