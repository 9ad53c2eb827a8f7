using NbaPredict.Ml.Data;

namespace NbaPredict.Ml.Evaluation;

/// <summary>
/// The goals of issue #3 on a held-out season, in one place for every report that judges them. Verdicts judge the
/// figures as printed (improvement to two decimals, coverage to one), so a row never reads "80.0 %" and "not met".
/// </summary>
public static class EvaluationGoals
{
    /// <summary>Minimum improvement of MAE over the last-10-game mean, in percent.</summary>
    public static IReadOnlyList<(StatKind Stat, double MinImprovementPct)> Accuracy { get; } =
        [(StatKind.Pts, 6.0), (StatKind.Reb, 5.5), (StatKind.Ast, 6.5)];

    /// <summary>Whether <paramref name="metrics"/> reaches <paramref name="minImprovementPct"/>.</summary>
    public static bool AccuracyMet(StatMetrics metrics, double minImprovementPct)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return Math.Round(metrics.ImprovementVsLast10Pct, 2) >= minImprovementPct;
    }

    /// <summary>The coverage goal of a stat, in words.</summary>
    public static string CoverageTarget(StatKind stat) =>
        StatKinds.IsLowCount(stat) ? "≥ nominal, ≤ nominal + 8" : "within ±3 points";

    /// <summary>
    /// ±3 points of 80 % and 95 % for PTS, REB, AST and MIN; for the low counts, whose whole-number outcomes make
    /// exact coverage impossible, at least nominal and at most 8 points above.
    /// </summary>
    public static bool CoverageMet(StatMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var cov80 = Math.Round(metrics.Coverage80 * 100, 1);
        var cov95 = Math.Round(metrics.Coverage95 * 100, 1);
        return StatKinds.IsLowCount(metrics.Stat)
            ? cov80 >= 80 && cov80 <= 88 && cov95 >= 95 && cov95 <= 103
            : Math.Abs(cov80 - 80) <= 3 && Math.Abs(cov95 - 95) <= 3;
    }
}
