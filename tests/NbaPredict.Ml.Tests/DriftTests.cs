using NbaPredict.Ml.Evaluation;

namespace NbaPredict.Ml.Tests;

public sealed class DriftTests
{
    private static float[] Normal(int n, double mean, double sd, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var u = 1 - random.NextDouble();
            var v = random.NextDouble();
            return (float)(mean + (sd * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v)));
        }).ToArray();
    }

    [Fact]
    public void Same_distribution_is_stable_and_a_shift_is_flagged()
    {
        var reference = Normal(20_000, 10, 3, 1);
        var same = Normal(5_000, 10, 3, 2);
        var shifted = Normal(5_000, 12, 3, 3);

        Assert.InRange(Drift.PopulationStabilityIndex(reference, same), 0, 0.02);
        Assert.True(Drift.PopulationStabilityIndex(reference, shifted) > 0.25);

        var (dSame, pSame) = Drift.KolmogorovSmirnov(reference, same);
        var (dShift, pShift) = Drift.KolmogorovSmirnov(reference, shifted);
        Assert.InRange(dSame, 0, 0.03);
        Assert.True(pSame > 0.01);
        Assert.InRange(dShift, 0.2, 0.35);
        Assert.True(pShift < 1e-6);
    }

    [Fact]
    public void Discrete_counts_with_many_ties_still_work()
    {
        float[] reference = [.. Enumerable.Repeat(0f, 600), .. Enumerable.Repeat(1f, 300), .. Enumerable.Repeat(2f, 100)];
        float[] moreZeros = [.. Enumerable.Repeat(0f, 900), .. Enumerable.Repeat(1f, 100)];

        Assert.Equal(0, Drift.PopulationStabilityIndex(reference, reference), 6);
        Assert.True(Drift.PopulationStabilityIndex(reference, moreZeros) > 0.25);
        Assert.Equal(0.3, Drift.KolmogorovSmirnov(reference, moreZeros).Statistic, 6);
    }
}
