using NbaPredict.Ml.Data;
using NbaPredict.Ml.Evaluation;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Ml.Tests;

public class UnitTests
{
    [Fact]
    public void L1_stacker_recovers_weights_and_ignores_outliers()
    {
        var rng = new Random(3);
        const int n = 4000;
        var a = new double[n];
        var b = new double[n];
        var c = new double[n];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            a[i] = rng.NextDouble() * 10;
            b[i] = rng.NextDouble() * 10;
            c[i] = rng.NextDouble() * 10;
            y[i] = 1 + (0.7 * a[i]) + (0.3 * b[i]) + (rng.NextDouble() < 0.1 ? 50 : (rng.NextDouble() - 0.5) * 0.1);
        }

        var (w, intercept) = L1Stacker.Fit([a, b, c], y);
        Assert.Equal(0.7, w[0], 1);
        Assert.Equal(0.3, w[1], 1);
        Assert.Equal(0.0, w[2], 1);
        Assert.Equal(1.0, intercept, 0);
        Assert.All(w, x => Assert.True(x >= 0));
    }

    [Fact]
    public void Metrics_accumulator_computes_expected_values()
    {
        var acc = new MetricsAccumulator(StatKind.Pts);
        acc.Add(10, 12, 8, 13, 5, 15, 10, 9, 11);
        acc.Add(20, 14, 15, 18, 10, 25, 20, 22, 18);
        var m = acc.Build();
        Assert.Equal(2, m.Rows);
        Assert.Equal(4.0, m.Mae, 6);
        Assert.Equal(Math.Sqrt((4 + 36) / 2.0), m.Rmse, 6);
        Assert.Equal(-2.0, m.Bias, 6);
        Assert.Equal(0.0, m.BaselineSeasonMae, 6);
        Assert.Equal(1.5, m.BaselineLast10Mae, 6);
        Assert.Equal(0.5, m.Coverage80, 6);
        Assert.Equal(1.0, m.Coverage95, 6);
        Assert.Equal(4.0, m.MeanWidth80, 6);
        Assert.Equal(12.5, m.MeanWidth95, 6);
        Assert.Equal(0.5, m.Within2, 6);
        Assert.Equal(0.5, m.Within5, 6);
        Assert.Equal(1.0, m.Within10, 6);
        Assert.Equal(1 - (40 / 50.0), m.R2, 6);
    }
}
