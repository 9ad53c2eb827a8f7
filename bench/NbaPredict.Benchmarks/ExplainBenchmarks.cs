using BenchmarkDotNet.Attributes;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Features;

namespace NbaPredict.Benchmarks;

/// <summary>Driver contributions (exact group Shapley of the ensemble) for one player-game and stat (issue #9).</summary>
[MemoryDiagnoser]
public class ExplainBenchmarks
{
    private SlateSetup _setup = null!;
    private readonly float[] _x = new float[FeatureSchema.Count];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var data = Environment.GetEnvironmentVariable(PredictorBenchmarks.DataDirVariable) ?? throw new InvalidOperationException($"{PredictorBenchmarks.DataDirVariable} is not set.");
        var bundle = Environment.GetEnvironmentVariable(PredictorBenchmarks.BundleDirVariable);
        _setup = new SlateSetup(data, string.IsNullOrEmpty(bundle) ? null : bundle, new DateOnly(2024, 1, 15));
    }

    /// <summary>A different player each call, as in <see cref="PredictorBenchmarks.OnePlayerGame"/>.</summary>
    [Benchmark]
    public int ExplainPoints()
    {
        _next = (_next + 1) % _setup.Slate.Count;
        _setup.Store.Featurize(_setup.Slate[_next], _x);
        return _setup.Bundle.Explain(_x, StatKind.Pts)!.Drivers.Count;
    }
}
