using NbaPredict.Ml.Data;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Ml.Tests;

/// <summary>Successive halving on the small slice: fit Oct–Dec 2021, score on January 2022 (walk-forward).</summary>
public class HyperparameterSearchTests(TrainedSliceFixture fx) : IClassFixture<TrainedSliceFixture>
{
    private static readonly SearchSettings Small = new()
    {
        Stats = [StatKind.Pts, StatKind.Ast],
        Configurations = 9,
        Eta = 3,
        Budget = TimeSpan.FromHours(1),
        Space = new SearchSpace((10, 60), (0.05, 0.3), [7, 15], [20, 50], (0.5, 0.9)),
    };

    private SearchPlan Plan => SearchPlan.From(fx.Plan);

    [Fact]
    public void Each_rung_keeps_the_best_third_and_gives_it_three_times_the_rows()
    {
        var seen = new List<SearchTrial>();
        var result = HyperparameterSearch.Run(fx.Matrix, Plan, TrainingOptions.Quick, Small, seen.Add);

        Assert.Equal(result.Trials, seen);
        Assert.Equal([9, 3, 1], result.Trials.GroupBy(t => t.Rung).OrderBy(g => g.Key).Select(g => g.Count()).ToArray());
        var rows = result.Trials.GroupBy(t => t.Rung).OrderBy(g => g.Key).Select(g => g.Select(t => t.TrainRows).Distinct().Single()).ToArray();
        Assert.True(rows[0] < rows[1] && rows[1] < rows[2], string.Join(", ", rows));
        Assert.Equal(fx.Matrix.Records.Count(r => r.Date >= fx.Plan.TrainFrom && r.Date < fx.Plan.TrainTo), rows[2]);
        Assert.Equal(rows[2] / 3.0, rows[1], 0);

        for (var rung = 0; rung < 2; rung++)
        {
            var promoted = result.Trials.Where(t => t.Rung == rung).OrderBy(t => t.Score).Take(rung == 0 ? 3 : 1).Select(t => t.Configuration).Order();
            Assert.Equal(promoted, result.Trials.Where(t => t.Rung == rung + 1).Select(t => t.Configuration).Order());
        }

        Assert.Same(result.Trials.Single(t => t.Rung == 2), result.Best);
        Assert.False(result.BudgetExhausted);
        Assert.All(result.Trials, t =>
        {
            Assert.Equal((t.Mae[StatKind.Pts] / Baseline(t, StatKind.Pts) + (t.Mae[StatKind.Ast] / Baseline(t, StatKind.Ast))) / 2, t.Score, 9);
            Assert.True(t.ValidationRows > 1000);
        });
    }

    [Fact]
    public void The_first_configuration_is_the_current_options_and_the_winner_applies_to_training_options()
    {
        var result = HyperparameterSearch.Run(fx.Matrix, Plan, TrainingOptions.Quick, Small);
        var first = result.Trials[0];
        Assert.Equal(0, first.Configuration);
        Assert.Equal(L1Parameters.From(TrainingOptions.Quick), first.Parameters);

        var best = result.BestOptions(TrainingOptions.Quick);
        Assert.Equal(result.Best.Parameters, L1Parameters.From(best));
        Assert.Equal(TrainingOptions.Quick.FastTreeTrees, best.FastTreeTrees);

        // The same seed samples the same configurations and reaches the same scores.
        var again = HyperparameterSearch.Run(fx.Matrix, Plan, TrainingOptions.Quick, Small);
        Assert.Equal(result.Trials.Select(t => (t.Parameters, t.Score)), again.Trials.Select(t => (t.Parameters, t.Score)));
    }

    [Fact]
    public void An_exhausted_budget_stops_after_the_first_trial_and_says_so()
    {
        var result = HyperparameterSearch.Run(fx.Matrix, Plan, TrainingOptions.Quick, Small with { Budget = TimeSpan.Zero });
        Assert.Single(result.Trials);
        Assert.True(result.BudgetExhausted);
        Assert.Same(result.Trials[0], result.Best);
    }

    [Fact]
    public void Scoring_a_window_that_overlaps_the_fitted_rows_is_refused()
    {
        var overlapping = Plan with { ValidateFrom = fx.Plan.TrainTo.AddDays(-10) };
        var ex = Assert.Throws<ArgumentException>(() => HyperparameterSearch.Run(fx.Matrix, overlapping, TrainingOptions.Quick, Small));
        Assert.Contains("walk-forward", ex.Message, StringComparison.Ordinal);
    }

    private static double Baseline(SearchTrial t, StatKind stat) => t.Mae[stat] / (1 - (t.ImprovementVsLast10Pct[stat] / 100));
}
