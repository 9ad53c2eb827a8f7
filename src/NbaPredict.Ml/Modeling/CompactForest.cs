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
    private readonly int _nodeCount; // _nodes has one spare node at the end (see Advance)

    private CompactForest(Node[] nodes, float[] leaf, int[] nodeOff, int[] leafOff, int[] start, double bias, bool[]? nanLeft)
    {
        _nanLeft = nanLeft;
        _nodeCount = nodes.Length - 1;
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

    public int NodeCount => _nodeCount;

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
        var nodes = new Node[totalNodes + 1];
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
        var nodes = _nodes;
        var leaf = _leaf;
        var nodeOff = _nodeOff;
        var leafOff = _leafOff;
        var start = _start;
        ref var first = ref MemoryMarshal.GetArrayDataReference(nodes);
        double s = 0;
        // a forest that routes NaN walks every tree with Walk
        var wideEnd = _nanLeft is null ? start.Length - 7 : 0;
        var t = 0;
        for (; t < wideEnd; t += 8)
        {
            int n0 = start[t], n1 = start[t + 1], n2 = start[t + 2], n3 = start[t + 3];
            int n4 = start[t + 4], n5 = start[t + 5], n6 = start[t + 6], n7 = start[t + 7];
            while ((n0 & n1 & n2 & n3 & n4 & n5 & n6 & n7) >= 0)
            {
                n0 = Advance(ref first, nodeOff[t], n0, x, 0);
                n1 = Advance(ref first, nodeOff[t + 1], n1, x, 0);
                n2 = Advance(ref first, nodeOff[t + 2], n2, x, 0);
                n3 = Advance(ref first, nodeOff[t + 3], n3, x, 0);
                n4 = Advance(ref first, nodeOff[t + 4], n4, x, 0);
                n5 = Advance(ref first, nodeOff[t + 5], n5, x, 0);
                n6 = Advance(ref first, nodeOff[t + 6], n6, x, 0);
                n7 = Advance(ref first, nodeOff[t + 7], n7, x, 0);
            }

            s += leaf[leafOff[t] + ~n0];
            s += leaf[leafOff[t + 1] + ~n1];
            s += leaf[leafOff[t + 2] + ~n2];
            s += leaf[leafOff[t + 3] + ~n3];
            s += leaf[leafOff[t + 4] + ~n4];
            s += leaf[leafOff[t + 5] + ~n5];
            s += leaf[leafOff[t + 6] + ~n6];
            s += leaf[leafOff[t + 7] + ~n7];
        }

        for (; t < start.Length; t++)
        {
            s += leaf[leafOff[t] + ~Walk(t, x)];
        }

        return s;
    }

    /// <summary>
    /// One step down a tree without a conditional jump. A row's path is unpredictable, so a branch per node is
    /// mispredicted about half the time; instead eight walks (eight trees for one row, or eight rows through one
    /// tree) step side by side as independent chains of loads, and only the loop's exit is a branch (measured in
    /// docs/benchmarks.md, ADR 0019). Forests that route NaN take <see cref="Walk"/> instead.
    /// A walk that already reached its leaf (index &lt; 0) reads a harmless node (its tree's first, or the spare
    /// node at the end of the array) and keeps its index.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Advance(ref Node first, int treeOffset, int index, ReadOnlySpan<float> x, int rowOffset)
    {
        var done = index >> 31;
        ref var n = ref Unsafe.Add(ref first, treeOffset + (index & ~done));
        var right = !(x[rowOffset + n.Feature] <= n.Threshold);
        int child = Unsafe.Add(ref n.Left, Unsafe.As<bool, byte>(ref right));
        return (child & ~done) | (index & done);
    }

    /// <summary>
    /// The ones' complement of the leaf a row reaches in tree t, one node at a time: for the trees and rows the
    /// eight-wide walks leave over, and for every tree of a forest that sends NaN where it learned to.
    /// </summary>
    private int Walk(int t, ReadOnlySpan<float> x)
    {
        var node = _start[t];
        var nb = _nodeOff[t];
        var nanLeft = _nanLeft;
        while (node >= 0)
        {
            ref readonly var n = ref _nodes[nb + node];
            var v = x[n.Feature];
            node = v <= n.Threshold || (nanLeft is not null && float.IsNaN(v) && nanLeft[nb + node]) ? n.Left : n.Right;
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
        ref var first = ref MemoryMarshal.GetArrayDataReference(nodes);
        var wideEnd = _nanLeft is null ? rows - 7 : 0;
        for (var t = 0; t < _start.Length; t++)
        {
            var nb = _nodeOff[t];
            var lb = _leafOff[t];
            var st = _start[t];

            // eight rows walk the tree side by side (see Advance)
            var r = 0;
            for (; r < wideEnd; r += 8)
            {
                var o = r * cols;
                int n0 = st, n1 = st, n2 = st, n3 = st, n4 = st, n5 = st, n6 = st, n7 = st;
                while ((n0 & n1 & n2 & n3 & n4 & n5 & n6 & n7) >= 0)
                {
                    n0 = Advance(ref first, nb, n0, x, o);
                    n1 = Advance(ref first, nb, n1, x, o + cols);
                    n2 = Advance(ref first, nb, n2, x, o + (2 * cols));
                    n3 = Advance(ref first, nb, n3, x, o + (3 * cols));
                    n4 = Advance(ref first, nb, n4, x, o + (4 * cols));
                    n5 = Advance(ref first, nb, n5, x, o + (5 * cols));
                    n6 = Advance(ref first, nb, n6, x, o + (6 * cols));
                    n7 = Advance(ref first, nb, n7, x, o + (7 * cols));
                }

                raw[r] += leaf[lb + ~n0];
                raw[r + 1] += leaf[lb + ~n1];
                raw[r + 2] += leaf[lb + ~n2];
                raw[r + 3] += leaf[lb + ~n3];
                raw[r + 4] += leaf[lb + ~n4];
                raw[r + 5] += leaf[lb + ~n5];
                raw[r + 6] += leaf[lb + ~n6];
                raw[r + 7] += leaf[lb + ~n7];
            }

            for (; r < rows; r++)
            {
                raw[r] += leaf[lb + ~Walk(t, x.Slice(r * cols, cols))];
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
        foreach (var node in _nodes.AsSpan(0, _nodeCount))
        {
            counts[node.Feature] += perTree;
        }
    }
}
