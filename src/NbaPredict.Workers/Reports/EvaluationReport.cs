using System.Globalization;
using System.Text;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Evaluation;
using ScottPlot;

namespace NbaPredict.Workers.Reports;

/// <summary>
/// Collects the rows of a walk-forward evaluation and renders <c>evaluation.md</c> with its charts (ScottPlot
/// PNGs): predicted against actual, interval calibration, and error by minutes played.
/// </summary>
public sealed class EvaluationReport
{
    private static readonly (int Low, int High, string Label)[] MinuteBuckets = [(1, 10, "1–10"), (11, 20, "11–20"), (21, 30, "21–30"), (31, 40, "31–40"), (41, 70, "41+")];

    private readonly List<(StatKind Stat, int Actual, float Predicted, float Lo80, float Hi80, float Lo95, float Hi95, float Last10, int Minutes)> rows = [];

    public void Add(EvaluatedRow row)
    {
        if (!row.HadHistory)
        {
            return;
        }

        var predictions = row.Predictions.Span;
        var baselines = row.Last10Baselines.Span;
        for (var i = 0; i < predictions.Length; i++)
        {
            var p = predictions[i];
            rows.Add((p.Stat, StatKinds.Get(row.Actual, p.Stat), p.Value, p.Lo80, p.Hi80, p.Lo95, p.Hi95, baselines[i], row.Actual.Minutes));
        }
    }

    public void Write(string directory, string command, string modelVersion, WalkForwardResult result)
    {
        Directory.CreateDirectory(directory);
        PredictedVsActual(Path.Combine(directory, "evaluation-predicted-vs-actual.png"));
        Calibration(Path.Combine(directory, "evaluation-calibration.png"), result);
        ErrorByMinutes(Path.Combine(directory, "evaluation-error-by-minutes.png"));
        File.WriteAllText(Path.Combine(directory, "evaluation.md"), Markdown(command, modelVersion, result));
    }

    private void PredictedVsActual(string path)
    {
        var plot = new Plot();
        var pts = rows.Where(r => r.Stat == StatKind.Pts).ToList();
        // A fixed stride keeps the chart readable and the output identical between runs.
        var stride = Math.Max(1, pts.Count / 4000);
        var sample = pts.Where((_, i) => i % stride == 0).ToList();
        var scatter = plot.Add.ScatterPoints(sample.Select(r => (double)r.Actual).ToArray(), sample.Select(r => (double)r.Predicted).ToArray());
        scatter.MarkerSize = 3;
        scatter.Color = Colors.SteelBlue.WithAlpha(0.35);
        var max = Math.Max(pts.Max(r => r.Actual), 10);
        var line = plot.Add.Line(0, 0, max, max);
        line.Color = Colors.Black;
        line.LinePattern = LinePattern.Dashed;
        plot.Title("Points: predicted vs actual (held-out games)");
        plot.XLabel("actual points");
        plot.YLabel("predicted points");
        plot.SavePng(path, 900, 700);
    }

    private static void Calibration(string path, WalkForwardResult result)
    {
        var plot = new Plot();
        var stats = result.WithHistory.Values.OrderBy(m => m.Stat).ToList();
        var bars80 = stats.Select((m, i) => new Bar { Position = (i * 3) + 1, Value = m.Coverage80 * 100, FillColor = Colors.SteelBlue }).ToList();
        var bars95 = stats.Select((m, i) => new Bar { Position = (i * 3) + 2, Value = m.Coverage95 * 100, FillColor = Colors.DarkOrange }).ToList();
        plot.Add.Bars(bars80);
        plot.Add.Bars(bars95);
        var nominal80 = plot.Add.HorizontalLine(80);
        nominal80.Color = Colors.SteelBlue;
        nominal80.LinePattern = LinePattern.Dashed;
        var nominal95 = plot.Add.HorizontalLine(95);
        nominal95.Color = Colors.DarkOrange;
        nominal95.LinePattern = LinePattern.Dashed;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            stats.Select((_, i) => (i * 3) + 1.5).ToArray(), stats.Select(m => m.Stat.ToString().ToUpperInvariant()).ToArray());
        plot.Axes.SetLimitsY(50, 100);
        plot.Title("Interval calibration: share of actuals inside the 80% (blue) and 95% (orange) intervals");
        plot.YLabel("coverage (%)");
        plot.SavePng(path, 1000, 600);
    }

    private void ErrorByMinutes(string path)
    {
        var plot = new Plot();
        var stats = new[] { StatKind.Pts, StatKind.Reb, StatKind.Ast };
        var colors = new[] { Colors.SteelBlue, Colors.SeaGreen, Colors.DarkOrange };
        for (var s = 0; s < stats.Length; s++)
        {
            var model = new List<double>();
            var baseline = new List<double>();
            foreach (var (low, high, _) in MinuteBuckets)
            {
                var mae = BucketMae(stats[s], low, high);
                model.Add(mae?.Model ?? 0);
                baseline.Add(mae?.Last10 ?? 0);
            }

            var xs = Enumerable.Range(0, MinuteBuckets.Length).Select(i => (double)i).ToArray();
            var modelLine = plot.Add.Scatter(xs, model.ToArray());
            modelLine.Color = colors[s];
            modelLine.LegendText = $"{stats[s].ToString().ToUpperInvariant()} model";
            var baselineLine = plot.Add.Scatter(xs, baseline.ToArray());
            baselineLine.Color = colors[s];
            baselineLine.LinePattern = LinePattern.Dashed;
            baselineLine.LegendText = $"{stats[s].ToString().ToUpperInvariant()} last-10 mean";
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, MinuteBuckets.Length).Select(i => (double)i).ToArray(), MinuteBuckets.Select(b => b.Label).ToArray());
        plot.Title("Mean absolute error by minutes actually played");
        plot.XLabel("minutes played");
        plot.YLabel("MAE");
        plot.ShowLegend();
        plot.SavePng(path, 1000, 600);
    }

    /// <summary>MAE of the model and of the last-10 mean for one stat in one minutes bucket; null when empty.</summary>
    private (double Model, double Last10)? BucketMae(StatKind stat, int low, int high)
    {
        var bucket = rows.Where(r => r.Stat == stat && r.Minutes >= low && r.Minutes <= high).ToList();
        return bucket.Count == 0
            ? null
            : (bucket.Average(r => Math.Abs(r.Predicted - r.Actual)), bucket.Average(r => Math.Abs(r.Last10 - r.Actual)));
    }

    /// <summary>
    /// The "against the goals" table, computed from the measured metrics so the verdicts can never drift from the
    /// numbers: MAE goals, ±3 points of nominal coverage for PTS/REB/AST/MIN, and at least nominal (at most 8 points
    /// above) for the low counts.
    /// </summary>
    public static string GoalsSection(IReadOnlyDictionary<StatKind, StatMetrics> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("## Against the goals of issue #3");
        md.AppendLine();
        md.AppendLine("| goal | target | measured | verdict |");
        md.AppendLine("| --- | --- | ---: | --- |");
        foreach (var (stat, goal) in EvaluationGoals.Accuracy)
        {
            if (metrics.TryGetValue(stat, out var m))
            {
                md.AppendLine(c, $"| {Label(stat)} MAE vs last-10 mean | ≥ {goal:F1} % better | {m.ImprovementVsLast10Pct:F2} % | {Verdict(EvaluationGoals.AccuracyMet(m, goal))} |");
            }
        }

        foreach (var m in metrics.Values.OrderBy(m => m.Stat))
        {
            md.AppendLine(c, $"| {Label(m.Stat)} 80 % / 95 % interval coverage | {EvaluationGoals.CoverageTarget(m.Stat)} | {m.Coverage80 * 100:F1} % / {m.Coverage95 * 100:F1} % | {Verdict(EvaluationGoals.CoverageMet(m))} |");
        }

        if (metrics.Count > 0)
        {
            var low = metrics.Values.Min(m => m.Coverage95) * 100;
            var high = metrics.Values.Max(m => m.Coverage95) * 100;
            md.AppendLine();
            md.AppendLine(c, $"What \"94 %\" can honestly mean here: {low:F1}–{high:F1} % of actual lines fall inside the stated 95 % intervals, for every stat, on games the model never saw. No accuracy claim of 94 % is made.");
        }

        return md.ToString();

        static string Label(StatKind s) => s.ToString().ToUpperInvariant();
        static string Verdict(bool met) => met ? "met" : "**not met**";
    }

    private string Markdown(string command, string modelVersion, WalkForwardResult result)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Evaluation on unseen games");
        md.AppendLine();
        md.AppendLine(c, $"Model `{modelVersion}`, walked forward day by day over {result.RowsEvaluated:N0} player-games ({result.Days} game days) it never trained on: each game predicted only from games before its date, then its result added to the history. Nothing retrained during the walk. The tables cover the {result.RowsEvaluated - result.RowsWithoutHistory:N0} player-games of players with at least one earlier game (baselines need one); {result.RowsWithoutHistory:N0} debut games were predicted from priors and are in `allRows` of the metrics JSON.");
        md.AppendLine();
        md.AppendLine("Regenerate with:");
        md.AppendLine();
        md.AppendLine("```bash");
        md.AppendLine(command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("The model must never have seen the folder's season: train it first with `train --holdout-season <that season> --promote`, after `import` (the full sequence is in `docs/ml-notes.md`).");
        md.AppendLine();
        md.Append(GoalsSection(result.WithHistory));
        md.AppendLine();
        md.AppendLine("## Accuracy against baselines (MAE, lower is better)");
        md.AppendLine();
        md.AppendLine("| stat | model | season-to-date mean | last-10 mean | EWMA | vs last-10 | RMSE | R² | bias | within ±2 | within ±5 | within ±10 | rows |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var m in result.WithHistory.Values.OrderBy(m => m.Stat))
        {
            md.AppendLine(c, $"| {m.Stat.ToString().ToUpperInvariant()} | {m.Mae:F3} | {m.BaselineSeasonMae:F3} | {m.BaselineLast10Mae:F3} | {m.BaselineEwmaMae:F3} | {m.ImprovementVsLast10Pct:F2}% better | {m.Rmse:F3} | {m.R2:F3} | {m.Bias:+0.000;-0.000} | {m.Within2:P1} | {m.Within5:P1} | {m.Within10:P1} | {m.Rows:N0} |");
        }

        md.AppendLine();
        md.AppendLine("### Whole-number predictions and the baseline");
        md.AppendLine();
        md.AppendLine("Counted stats are predicted as whole numbers: absolute error rewards the median, and the median of a whole-number outcome is a whole number (ADR 0023). Rounding helps any predictor, the last-10 mean too, so here is the model against the last-10 mean rounded the same way. The goals above are stated against the plain last-10 mean.");
        md.AppendLine();
        md.AppendLine("| stat | model | last-10 mean | vs last-10 | last-10 mean, rounded | vs rounded last-10 |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var m in result.WithHistory.Values.OrderBy(m => m.Stat).Where(m => StatKinds.IsCount(m.Stat)))
        {
            md.AppendLine(c, $"| {m.Stat.ToString().ToUpperInvariant()} | {m.Mae:F3} | {m.BaselineLast10Mae:F3} | {m.ImprovementVsLast10Pct:F2}% better | {m.BaselineLast10RoundedMae:F3} | {m.ImprovementVsLast10RoundedPct:F2}% better |");
        }

        md.AppendLine();
        md.AppendLine("## Intervals");
        md.AppendLine();
        md.AppendLine("| stat | 80% coverage | 95% coverage | mean width 80% | mean width 95% |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var m in result.WithHistory.Values.OrderBy(m => m.Stat))
        {
            md.AppendLine(c, $"| {m.Stat.ToString().ToUpperInvariant()} | {m.Coverage80:P1} | {m.Coverage95:P1} | {m.MeanWidth80:F2} | {m.MeanWidth95:F2} |");
        }

        md.AppendLine();
        md.AppendLine("![Predicted vs actual points](evaluation-predicted-vs-actual.png)");
        md.AppendLine();
        md.AppendLine("![Interval calibration](evaluation-calibration.png)");
        md.AppendLine();
        md.AppendLine("![Error by minutes played](evaluation-error-by-minutes.png)");
        md.AppendLine();
        md.AppendLine("## Error by minutes played");
        md.AppendLine();
        md.AppendLine("| stat | " + string.Join(" | ", MinuteBuckets.Select(b => b.Label + " min (model / last-10)")) + " |");
        md.AppendLine("| --- |" + string.Concat(Enumerable.Repeat(" ---: |", MinuteBuckets.Length)));
        foreach (var stat in new[] { StatKind.Pts, StatKind.Reb, StatKind.Ast, StatKind.Min })
        {
            var cells = MinuteBuckets.Select(b =>
            {
                var mae = BucketMae(stat, b.Low, b.High);
                return mae is { } m ? string.Create(c, $"{m.Model:F2} / {m.Last10:F2}") : "–";
            });
            md.AppendLine(c, $"| {stat.ToString().ToUpperInvariant()} | {string.Join(" | ", cells)} |");
        }

        return md.ToString();
    }
}
