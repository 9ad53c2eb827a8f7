using NbaPredict.Ml.Data;
using NbaPredict.Ml.Evaluation;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Ml.Tests;

public class UnitTests
{
    [Fact]
    public void Compact_forest_walks_agree_with_a_plain_recursive_walk()
    {
        // Random trees of every shape the evaluator meets: single leaves, chains, bushy and lopsided trees; a tree
        // count and row count that are not multiples of the eight-wide walks.
        var rng = new Random(5);
        const int cols = 12;
        var specs = new List<CompactForest.TreeSpec>();
        for (var t = 0; t < 53; t++)
        {
            specs.Add(RandomTree(rng, t % 9 == 0 ? 0 : rng.Next(1, 60), cols));
        }

        var forest = CompactForest.FromSpecs(specs, 0.25);
        const int rows = 203;
        var x = new float[rows * cols];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2) - 1;
        }

        var batch = new double[rows];
        forest.PredictBatch(x, rows, cols, batch);
        for (var r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * cols, cols);
            var expected = 0.25;
            var sum = 0.0;
            foreach (var spec in specs)
            {
                sum += (float)spec.Leaves[ReferenceLeaf(spec, row)];
            }

            expected += sum;
            Assert.Equal(expected, forest.Predict(row));
            Assert.Equal(expected, batch[r]);
        }
    }

    private static CompactForest.TreeSpec RandomTree(Random rng, int inner, int cols)
    {
        // grow by splitting a random leaf: children are inner-node indices (>= 0) or ~leaf
        var feature = new List<int>();
        var threshold = new List<double>();
        var left = new List<int>();
        var right = new List<int>();
        var leaves = new List<double> { rng.NextDouble() };
        var leafParent = new List<(int Node, bool Left)> { (-1, false) };
        for (var i = 0; i < inner; i++)
        {
            var split = rng.Next(leaves.Count);
            var (parent, isLeft) = leafParent[split];
            var node = feature.Count;
            feature.Add(rng.Next(cols));
            threshold.Add((rng.NextDouble() * 2) - 1);
            left.Add(~split);
            right.Add(~leaves.Count);
            if (parent >= 0)
            {
                (isLeft ? left : right)[parent] = node;
            }

            leafParent[split] = (node, true);
            leaves.Add(rng.NextDouble());
            leafParent.Add((node, false));
        }

        return new CompactForest.TreeSpec([.. feature], [.. threshold], [.. left], [.. right], [.. leaves]);
    }

    private static int ReferenceLeaf(CompactForest.TreeSpec tree, ReadOnlySpan<float> x)
    {
        if (tree.Feature.Length == 0)
        {
            return 0;
        }

        var node = 0;
        while (true)
        {
            var next = x[tree.Feature[node]] <= tree.Threshold[node] ? tree.Left[node] : tree.Right[node];
            if (next < 0)
            {
                return ~next;
            }

            node = next;
        }
    }

    [Fact]
    public void Compact_forest_routes_missing_values_the_way_native_LightGBM_does()
    {
        // Feature 0 is missing (NaN) on a third of the rows, whose target sits with the low values: LightGBM learns to
        // send NaN left, where a plain "value <= threshold" comparison would send it right.
        var rng = new Random(11);
        const int rows = 600;
        const int cols = 2;
        var x = new float[rows * cols];
        var y = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            var missing = r % 3 == 0;
            var v = (float)rng.NextDouble();
            x[r * cols] = missing ? float.NaN : v;
            x[(r * cols) + 1] = (float)rng.NextDouble();
            y[r] = missing ? 0.5f : 10 * v;
        }

        var (text, native) = NativeLightGbm.Train(x, rows, cols, y, null,
            "objective=regression_l1 num_leaves=7 min_data_in_leaf=5 learning_rate=0.3 num_threads=1 seed=1 deterministic=true force_row_wise=true",
            20, rows);
        Assert.Contains(text.Split('\n'), line => line.StartsWith("decision_type=", StringComparison.Ordinal)
            && line["decision_type=".Length..].Split(' ').Any(d => (int.Parse(d, System.Globalization.CultureInfo.InvariantCulture) & 0b1110) == 0b1010));

        var forest = NativeLightGbm.Parse(text);
        var batch = new double[rows];
        forest.PredictBatch(x, rows, cols, batch);
        for (var r = 0; r < rows; r++)
        {
            Assert.Equal(native[r], forest.Predict(x.AsSpan(r * cols, cols)), 4);
            Assert.Equal(native[r], batch[r], 4);
        }

        Assert.InRange(native[0], 0, 2); // row 0 is missing: it lands with the low targets
    }

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

    [Fact]
    public void The_rounded_last10_baseline_rounds_counted_stats_only()
    {
        var assists = new MetricsAccumulator(StatKind.Ast);
        assists.Add(2, 2, 0, 4, 0, 6, 2, 2.4, 2);   // last-10 2.4 → 2: error 0 instead of 0.4
        assists.Add(4, 3, 1, 5, 0, 7, 3, 3.5, 3);   // 3.5 → 4: error 0 instead of 0.5
        assists.Add(1, 1, 0, 3, 0, 5, 1, 1.6, 1);   // 1.6 → 2: error 1 instead of 0.6
        var a = assists.Build();
        Assert.Equal((0.4 + 0.5 + 0.6) / 3, a.BaselineLast10Mae, 6);
        Assert.Equal(1 / 3.0, a.BaselineLast10RoundedMae, 6);
        Assert.Equal(100 * (1 - (a.Mae / a.BaselineLast10RoundedMae)), a.ImprovementVsLast10RoundedPct, 6);

        var minutes = new MetricsAccumulator(StatKind.Min);
        minutes.Add(30, 29, 20, 35, 15, 40, 28, 30.4, 29);
        Assert.Equal(0.4, minutes.Build().BaselineLast10RoundedMae, 5);
    }
}
