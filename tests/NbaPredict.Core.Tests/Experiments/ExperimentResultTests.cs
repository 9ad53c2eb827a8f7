using NbaPredict.Core.Features.Experiments;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Core.Tests.Experiments;

public sealed class ExperimentResultTests
{
    private static readonly ExperimentVariant[] Variants = [new("m-a", 50), new("m-b", 50)];

    /// <summary>Player-games where variant a always predicts the real points and b misses by <paramref name="bMiss"/> plus noise.</summary>
    private static List<ScoredPrediction> Scored(int games, Func<int, double> bMiss, Func<int, double>? aMiss = null)
    {
        var rows = new List<ScoredPrediction>();
        for (var g = 0; g < games; g++)
        {
            int[] actual = [20, 5, 4, 2, 1, 1, 2, 30];
            rows.Add(new ScoredPrediction($"g{g}", 1, "m-a", Stats(actual, aMiss?.Invoke(g) ?? 0), actual));
            rows.Add(new ScoredPrediction($"g{g}", 1, "m-b", Stats(actual, bMiss(g)), actual));
        }

        return rows;
    }

    private static string Stats(int[] actual, double miss)
    {
        var stats = Enum.GetValues<StatKind>().Take(8).Select((kind, i) =>
            new StatPrediction(kind, (float)(actual[i] + miss), (float)(actual[i] - 1), (float)(actual[i] + 1), (float)(actual[i] - 2), (float)(actual[i] + 2))).ToArray();
        return PredictionStats.Serialize(stats);
    }

    [Fact]
    public void A_clearly_better_variant_wins_with_a_small_p_value()
    {
        var result = ExperimentResultCalculator.Compute(Variants, new Dictionary<string, int> { ["m-a"] = 30, ["m-b"] = 30 }, Scored(60, g => 1 + (g % 3)), minimumSampleSize: 50);

        Assert.Equal(ExperimentResultStatus.Winner, result.Status);
        Assert.Equal("m-a", result.Winner);
        Assert.True(result.PValue < 0.01, $"p = {result.PValue}");
        Assert.Equal(60, result.SampleSize);
        var a = result.Variants.Single(v => v.ModelVersion == "m-a");
        var b = result.Variants.Single(v => v.ModelVersion == "m-b");
        Assert.Equal(0, a.Mae);
        Assert.Equal(2, b.Mae!.Value, 3);
        Assert.Equal(1.0, a.Coverage80);
        Assert.Equal(30, a.PredictionsServed);
        Assert.Equal(8, b.StatMae.Count);
    }

    [Fact]
    public void Noise_around_the_same_error_is_no_significant_difference_and_a_small_sample_is_not_yet()
    {
        // b is better on half the games and worse on the other half by the same amount: mean paired difference 0.
        var noise = Scored(80, g => g % 2 == 0 ? 1 : -2, g => g % 2 == 0 ? 2 : -1);
        var tie = ExperimentResultCalculator.Compute(Variants, new Dictionary<string, int>(), noise, minimumSampleSize: 50);
        var small = ExperimentResultCalculator.Compute(Variants, new Dictionary<string, int>(), Scored(10, _ => 3), minimumSampleSize: 50);

        Assert.Equal(ExperimentResultStatus.NoDifference, tie.Status);
        Assert.Null(tie.Winner);
        Assert.True(tie.PValue > 0.05);
        Assert.Equal(ExperimentResultStatus.NotYet, small.Status);
        Assert.Null(small.PValue);
        Assert.Equal(10, small.SampleSize);
    }

    [Fact]
    public void The_bootstrap_is_deterministic()
    {
        var differences = Enumerable.Range(0, 100).Select(i => Math.Sin(i) + 0.1).ToArray();

        Assert.Equal(ExperimentResultCalculator.PairedBootstrapPValue(differences), ExperimentResultCalculator.PairedBootstrapPValue(differences));
    }
}
