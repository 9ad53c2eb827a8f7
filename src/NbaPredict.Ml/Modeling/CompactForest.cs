using System.Runtime.CompilerServices;
using Microsoft.ML.Trainers.FastTree;

namespace NbaPredict.Ml.Modeling;

/// <summary>
/// A flattened, allocation-free evaluator of an ML.NET regression tree ensemble (LightGBM, FastTree, FastForest).
/// Child index ≥ 0 is an inner node, &lt; 0 is the ones' complement of a leaf. Split rule: value ≤ threshold goes left.
/// </summary>
internal sealed class CompactForest
{
    private readonly int[] _feature;
    private readonly double[] _threshold;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly double[] _leaf;
    private readonly int[] _roots;

    private CompactForest(int[] feature, double[] threshold, int[] left, int[] right, double[] leaf, int[] roots, double bias)
    {
        _feature = feature;
        _threshold = threshold;
        _left = left;
        _right = right;
        _leaf = leaf;
        _roots = roots;
        Bias = bias;
    }

    public double Bias { get; }

    /// <summary>Multiplier applied to the sum of leaf values (1 for boosting, 1/trees for forests).</summary>
    public double Scale { get; set; } = 1.0;

    public int TreeCount => _roots.Length;

    public int NodeCount => _feature.Length;

    /// <summary>One tree: inner nodes (feature, threshold, children; child &lt; 0 = ~leaf) and leaf values.</summary>
    internal sealed record TreeSpec(int[] Feature, double[] Threshold, int[] Left, int[] Right, double[] Leaves);

    public static CompactForest From<TTree>(TreeEnsemble<TTree> ensemble)
        where TTree : RegressionTreeBase
    {
        var specs = new List<TreeSpec>(ensemble.Trees.Count);
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            if (tree.CategoricalSplitFlags.Any(f => f))
            {
                throw new NotSupportedException("Categorical splits are not supported by the compact evaluator.");
            }

            var w = ensemble.TreeWeights[t];
            specs.Add(new TreeSpec(
                [.. tree.NumericalSplitFeatureIndexes],
                [.. tree.NumericalSplitThresholds.Select(v => (double)v)],
                [.. tree.LeftChild],
                [.. tree.RightChild],
                [.. tree.LeafValues.Select(v => v * w)]));
        }

        return FromSpecs(specs, ensemble.Bias);
    }

    public static CompactForest FromSpecs(IReadOnlyList<TreeSpec> trees, double bias)
    {
        var totalNodes = trees.Sum(t => t.Feature.Length);
        var totalLeaves = trees.Sum(t => t.Leaves.Length);
        var feature = new int[totalNodes];
        var threshold = new double[totalNodes];
        var left = new int[totalNodes];
        var right = new int[totalNodes];
        var leaf = new double[totalLeaves];
        var roots = new int[trees.Count];
        int nodeOff = 0, leafOff = 0;
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            var nodes = tree.Feature.Length;
            for (var i = 0; i < nodes; i++)
            {
                feature[nodeOff + i] = tree.Feature[i];
                threshold[nodeOff + i] = tree.Threshold[i];
                left[nodeOff + i] = Map(tree.Left[i], nodeOff, leafOff);
                right[nodeOff + i] = Map(tree.Right[i], nodeOff, leafOff);
            }

            tree.Leaves.CopyTo(leaf, leafOff);
            roots[t] = nodes > 0 ? nodeOff : ~leafOff;
            nodeOff += nodes;
            leafOff += tree.Leaves.Length;
        }

        return new CompactForest(feature, threshold, left, right, leaf, roots, bias);
    }

    private static int Map(int child, int nodeOff, int leafOff) => child >= 0 ? child + nodeOff : ~(~child + leafOff);

    /// <summary>Sum of leaf values (unscaled, without bias).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double RawSum(ReadOnlySpan<float> x)
    {
        var feature = _feature;
        var threshold = _threshold;
        var left = _left;
        var right = _right;
        double s = 0;
        foreach (var root in _roots)
        {
            var node = root;
            while (node >= 0)
            {
                node = x[feature[node]] <= threshold[node] ? left[node] : right[node];
            }

            s += _leaf[~node];
        }

        return s;
    }

    public double Predict(ReadOnlySpan<float> x) => Bias + (Scale * RawSum(x));
}
