using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.Trainers.FastTree;

namespace NbaPredict.Ml.Modeling;

/// <summary>
/// A flattened, allocation-free evaluator of an ML.NET regression tree ensemble (LightGBM, FastTree, FastForest).
/// Child index ≥ 0 is an inner node, &lt; 0 is the ones' complement of a leaf. Split rule: value ≤ threshold goes left.
/// A forest whose trees learned where missing values go (native LightGBM trained on data with NaN) routes a NaN that
/// way, as LightGBM does; any other forest sends NaN right, as ML.NET's trees do. The features the product serves
/// are always finite, so that walk keeps the plain comparison.
/// </summary>
internal sealed class CompactForest
{
    /// <summary>8-byte node; children are tree-local (≥ 0 inner node, &lt; 0 = ~leaf), so a tree has ≤ 127 inner nodes.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Node
    {
        public float Threshold;
        public ushort Feature;
        public sbyte Left;
        public sbyte Right;
    }

    private readonly Node[] _nodes;
    private readonly float[] _leaf;
    private readonly int[] _nodeOff;
    private readonly int[] _leafOff;
    private readonly int[] _start; // 0 for a tree with inner nodes, -1 (= ~0, leaf 0) for a single-leaf tree
    private readonly bool[]? _nanLeft; // per node, only for forests with learned missing-value routing

    private CompactForest(Node[] nodes, float[] leaf, int[] nodeOff, int[] leafOff, int[] start, double bias, bool[]? nanLeft)
    {
        _nanLeft = nanLeft;
        _nodes = nodes;
        _leaf = leaf;
        _nodeOff = nodeOff;
        _leafOff = leafOff;
        _start = start;
        Bias = bias;
    }

    /// <summary>
    /// Largest float ≤ t: for every float x, x ≤ t ⇔ x ≤ FloatAtOrBelow(t), so comparisons stay exact in single precision.
    /// </summary>
    private static float FloatAtOrBelow(double t)
    {
        var f = (float)t;
        return (double)f > t ? MathF.BitDecrement(f) : f;
    }

    public double Bias { get; }

    /// <summary>Multiplier applied to the sum of leaf values (1 for boosting, 1/trees for forests).</summary>
    public double Scale { get; set; } = 1.0;

    public int TreeCount => _start.Length;

    public int NodeCount => _nodes.Length;

    /// <summary>
    /// One tree: inner nodes (feature, threshold, children; child &lt; 0 = ~leaf) and leaf values. NanLeft says per
    /// node whether a NaN goes left; null when the tree never learned a missing-value direction.
    /// </summary>
    internal sealed record TreeSpec(int[] Feature, double[] Threshold, int[] Left, int[] Right, double[] Leaves, bool[]? NanLeft = null);

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
        var nodes = new Node[totalNodes];
        var nanLeft = trees.Any(t => t.NanLeft is not null) ? new bool[totalNodes] : null;
        var leaf = new float[totalLeaves];
        var nodeOff = new int[trees.Count];
        var leafOff = new int[trees.Count];
        var start = new int[trees.Count];
        int no = 0, lo = 0;
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            var n = tree.Feature.Length;
            if (n > 127 || tree.Leaves.Length > 128)
            {
                throw new NotSupportedException($"Tree {t} has {tree.Leaves.Length} leaves; at most 128 are supported.");
            }

            for (var i = 0; i < n; i++)
            {
                nodes[no + i] = new Node
                {
                    Threshold = FloatAtOrBelow(tree.Threshold[i]),
                    Feature = checked((ushort)tree.Feature[i]),
                    Left = checked((sbyte)tree.Left[i]),
                    Right = checked((sbyte)tree.Right[i]),
                };
                if (nanLeft is not null && tree.NanLeft is { } treeNanLeft)
                {
                    nanLeft[no + i] = treeNanLeft[i];
                }
            }

            for (var l = 0; l < tree.Leaves.Length; l++)
            {
                leaf[lo + l] = (float)tree.Leaves[l];
            }

            nodeOff[t] = no;
            leafOff[t] = lo;
            start[t] = n > 0 ? 0 : -1;
            no += n;
            lo += tree.Leaves.Length;
        }

        return new CompactForest(nodes, leaf, nodeOff, leafOff, start, bias, nanLeft);
    }

    /// <summary>Sum of leaf values (unscaled, without bias).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double RawSum(ReadOnlySpan<float> x)
    {
        if (_nanLeft is not null)
        {
            return RawSumRoutingNaN(x, _nanLeft);
        }

        var nodes = _nodes;
        var leaf = _leaf;
        var nodeOff = _nodeOff;
        var leafOff = _leafOff;
        var start = _start;
        double s = 0;
        for (var t = 0; t < start.Length; t++)
        {
            var node = start[t];
            var nb = nodeOff[t];
            while (node >= 0)
            {
                ref readonly var n = ref nodes[nb + node];
                node = x[n.Feature] <= n.Threshold ? n.Left : n.Right;
            }

            s += leaf[leafOff[t] + ~node];
        }

        return s;
    }

    private double RawSumRoutingNaN(ReadOnlySpan<float> x, bool[] nanLeft)
    {
        double s = 0;
        for (var t = 0; t < _start.Length; t++)
        {
            s += _leaf[_leafOff[t] + ~Walk(t, x, nanLeft)];
        }

        return s;
    }

    /// <summary>The ones' complement of the leaf a row reaches in tree t, sending NaN where the tree learned to.</summary>
    private int Walk(int t, ReadOnlySpan<float> x, bool[] nanLeft)
    {
        var node = _start[t];
        var nb = _nodeOff[t];
        while (node >= 0)
        {
            ref readonly var n = ref _nodes[nb + node];
            var v = x[n.Feature];
            node = v <= n.Threshold || (float.IsNaN(v) && nanLeft[nb + node]) ? n.Left : n.Right;
        }

        return node;
    }

    /// <summary>
    /// Writes Bias + Scale·(leaf sum) of every row of a row-major matrix to <paramref name="output"/>, tree by tree
    /// (each tree stays in cache while all rows pass through it). Same arithmetic as <see cref="Predict"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PredictBatch(ReadOnlySpan<float> x, int rows, int cols, Span<double> output)
    {
        var nodes = _nodes;
        var leaf = _leaf;
        var raw = output[..rows];
        raw.Clear();
        if (_nanLeft is not null)
        {
            for (var r = 0; r < rows; r++)
            {
                raw[r] = RawSumRoutingNaN(x.Slice(r * cols, cols), _nanLeft);
            }
        }

        for (var t = 0; _nanLeft is null && t < _start.Length; t++)
        {
            var nb = _nodeOff[t];
            var lb = _leafOff[t];
            var st = _start[t];
            for (var r = 0; r < rows; r++)
            {
                var row = x.Slice(r * cols, cols);
                var node = st;
                while (node >= 0)
                {
                    ref readonly var n = ref nodes[nb + node];
                    node = row[n.Feature] <= n.Threshold ? n.Left : n.Right;
                }

                raw[r] += leaf[lb + ~node];
            }
        }

        for (var r = 0; r < rows; r++)
        {
            raw[r] = Bias + (Scale * raw[r]);
        }
    }

    public double Predict(ReadOnlySpan<float> x) => Bias + (Scale * RawSum(x));

    /// <summary>Adds how often each feature is split on, per tree, into <paramref name="counts"/>.</summary>
    public void AddSplitCounts(Span<double> counts, double weight)
    {
        var perTree = weight / Math.Max(1, TreeCount);
        foreach (var node in _nodes)
        {
            counts[node.Feature] += perTree;
        }
    }
}
