using NbaPredict.Ml.Data;
using NbaPredict.Ml.Evaluation;
using NbaPredict.Workers.Reports;

namespace NbaPredict.Workers.Tests;

/// <summary>The goals table of docs/evaluation.md is computed from the metrics, including its verdicts.</summary>
public sealed class EvaluationReportTests
{
    private static StatMetrics Metrics(StatKind stat, double mae, double last10, double cov80, double cov95) => new()
    {
        Stat = stat,
        Rows = 1000,
        Mae = mae,
        BaselineLast10Mae = last10,
        Coverage80 = cov80,
        Coverage95 = cov95,
    };

    private static string Row(string section, string startsWith) =>
        section.Split('\n').Single(l => l.StartsWith(startsWith, StringComparison.Ordinal));

    [Fact]
    public void Accuracy_goals_are_judged_against_each_stats_own_target()
    {
        var section = EvaluationReport.GoalsSection(new Dictionary<StatKind, StatMetrics>
        {
            [StatKind.Pts] = Metrics(StatKind.Pts, 4.70, 5.00, 0.80, 0.95),  // 6.0 % better: exactly the goal (as printed)
            [StatKind.Reb] = Metrics(StatKind.Reb, 1.90, 2.00, 0.80, 0.95),  // 5.0 % better, goal 5.5 %
            [StatKind.Ast] = Metrics(StatKind.Ast, 1.30, 1.40, 0.80, 0.95),  // 7.14 % better, goal 6.5 %
        });

        Assert.EndsWith("| 6.00 % | met |", Row(section, "| PTS MAE").TrimEnd());
        Assert.EndsWith("| 5.00 % | **not met** |", Row(section, "| REB MAE").TrimEnd());
        Assert.EndsWith("| 7.14 % | met |", Row(section, "| AST MAE").TrimEnd());
    }

    [Fact]
    public void Coverage_is_two_sided_for_points_and_at_least_nominal_for_low_counts()
    {
        var section = EvaluationReport.GoalsSection(new Dictionary<StatKind, StatMetrics>
        {
            [StatKind.Pts] = Metrics(StatKind.Pts, 4, 5, 0.825, 0.94),  // inside ±3 on both
            [StatKind.Min] = Metrics(StatKind.Min, 4, 5, 0.835, 0.95),  // 3.5 points over at 80 %
            [StatKind.Blk] = Metrics(StatKind.Blk, 0.4, 0.5, 0.82, 0.96),  // above nominal, within 8
            [StatKind.Stl] = Metrics(StatKind.Stl, 0.6, 0.7, 0.799, 0.96),  // just under nominal at 80 %
            [StatKind.Tov] = Metrics(StatKind.Tov, 0.8, 0.9, 0.89, 0.97),  // 9 points over at 80 %
        });

        Assert.EndsWith("| met |", Row(section, "| PTS 80 %").TrimEnd());
        Assert.EndsWith("| **not met** |", Row(section, "| MIN 80 %").TrimEnd());
        Assert.EndsWith("| met |", Row(section, "| BLK 80 %").TrimEnd());
        Assert.EndsWith("| **not met** |", Row(section, "| STL 80 %").TrimEnd());
        Assert.EndsWith("| **not met** |", Row(section, "| TOV 80 %").TrimEnd());
        Assert.Contains("94.0–97.0 % of actual lines fall inside the stated 95 % intervals", section, StringComparison.Ordinal);
    }
}
