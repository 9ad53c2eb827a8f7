using System.Globalization;
using System.Text;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Ml.Evaluation;

/// <summary>Evaluates a bundle on rows of a point-in-time feature matrix.</summary>
public static class Evaluator
{
    /// <summary>
    /// Metrics per stat on rows dated in [from, to). When <paramref name="requireHistory"/> is true, rows of players
    /// without any previous game are skipped (the baselines are undefined there).
    /// </summary>
    public static IReadOnlyDictionary<StatKind, StatMetrics> Evaluate(ModelBundle bundle, FeatureMatrix matrix, DateOnly from, DateOnly to, bool requireHistory = true)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(matrix);
        var rows = matrix.RowsBetween(from, to, requireHistory);
        var result = new Dictionary<StatKind, StatMetrics>();
        foreach (var model in bundle.Models)
        {
            result[model.Stat] = EvaluateRows(matrix, rows, model);
        }

        return result;
    }

    internal static StatMetrics EvaluateRows(FeatureMatrix matrix, IReadOnlyList<int> rows, StatModel model)
    {
        var name = model.Stat.ToString().ToLowerInvariant();
        var iSeason = FeatureSchema.IndexOf("p_season_mean_" + name);
        var iLast10 = FeatureSchema.IndexOf("p_mean10_" + name);
        var iEwma = FeatureSchema.IndexOf("p_ewma_" + name);
        var acc = new MetricsAccumulator(model.Stat);
        foreach (var r in rows)
        {
            var x = matrix.Row(r);
            var p = model.Predict(x);
            acc.Add(StatKinds.Get(matrix.Records[r], model.Stat), p.Value, p.Lo80, p.Hi80, p.Lo95, p.Hi95, x[iSeason], x[iLast10], x[iEwma]);
        }

        return acc.Build();
    }

    /// <summary>A fixed-width text table of metrics.</summary>
    public static string FormatTable(IReadOnlyDictionary<StatKind, StatMetrics> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| stat | rows | MAE | last-10 MAE | vs last-10 | season MAE | EWMA MAE | RMSE | R² | bias | cov80 | cov95 | width80 | width95 | ±2 | ±5 | ±10 |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in metrics.Values.OrderBy(m => m.Stat))
        {
            sb.AppendLine(c, $"| {m.Stat} | {m.Rows} | {m.Mae:F3} | {m.BaselineLast10Mae:F3} | {m.ImprovementVsLast10Pct:F1}% | {m.BaselineSeasonMae:F3} | {m.BaselineEwmaMae:F3} | {m.Rmse:F3} | {m.R2:F3} | {m.Bias:+0.000;-0.000} | {m.Coverage80 * 100:F1}% | {m.Coverage95 * 100:F1}% | {m.MeanWidth80:F2} | {m.MeanWidth95:F2} | {m.Within2 * 100:F1}% | {m.Within5 * 100:F1}% | {m.Within10 * 100:F1}% |");
        }

        return sb.ToString();
    }
}
