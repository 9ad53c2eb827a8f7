using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Benchmarks;

/// <summary>Shared setup: a feature store with history up to a slate date, the slate, and a bundle.</summary>
internal sealed class SlateSetup
{
    public SlateSetup(string dataDir, string? bundleDir, DateOnly slateDate)
    {
        var records = NbaCsvReader.ReadDirectory(dataDir);
        var before = records.Where(r => r.Date < slateDate).ToList();
        (Store, _) = FeatureStore.BuildHistorical(before);
        Slate = [.. records.Where(r => r.Date == slateDate).Select(r => PlayerGameQuery.From(r))];
        if (bundleDir is not null)
        {
            Bundle = ModelBundle.Load(bundleDir);
        }
        else
        {
            // quick model on two seasons so the benchmark is self-contained
            var (_, m) = FeatureStore.BuildHistorical(records.Where(r => r.Date < new DateOnly(2023, 8, 1)));
            Bundle = ModelTrainer.Train(m, new TrainingPlan(new DateOnly(2021, 8, 1), new DateOnly(2022, 8, 1), new DateOnly(2022, 8, 1), new DateOnly(2023, 8, 1)));
        }
    }

    public FeatureStore Store { get; }

    public List<PlayerGameQuery> Slate { get; }

    public ModelBundle Bundle { get; }
}

internal static class Latency
{
    public static void Run(string dataDir, string? bundleDir)
    {
        var setup = new SlateSetup(dataDir, bundleDir, new DateOnly(2024, 1, 15));
        var store = setup.Store;
        var bundle = setup.Bundle;
        var slate = setup.Slate;
        Console.WriteLine($"slate {slate.Count} player-games, {bundle.Stats.Count} stats, members per stat {(bundle.Manifest.Stats.Count > 0 ? bundle.Manifest.Stats[0].Members.Count : 0)}");
        var x = new float[FeatureSchema.Count];
        var preds = new StatPrediction[bundle.Stats.Count];

        // warm-up
        for (var i = 0; i < 2000; i++)
        {
            store.Featurize(slate[i % slate.Count], x);
            bundle.Predict(x, preds);
        }

        const int n = 20000;
        var alloc0 = GC.GetAllocatedBytesForCurrentThread();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            store.Featurize(slate[i % slate.Count], x);
            bundle.Predict(x, preds);
        }

        sw.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        var alloc = GC.GetAllocatedBytesForCurrentThread() - alloc0;
        Console.WriteLine($"one player-game (featurize + {bundle.Stats.Count} stats + intervals): {sw.Elapsed.TotalMicroseconds / n:F1} µs wall, {cpu.TotalMicroseconds / n:F1} µs CPU, {alloc / (double)n:F1} B allocated");

        sw.Restart();
        for (var i = 0; i < n; i++)
        {
            bundle.Predict(x, preds);
        }

        sw.Stop();
        Console.WriteLine($"model only: {sw.Elapsed.TotalMicroseconds / n:F1} µs");

        sw.Restart();
        for (var i = 0; i < n; i++)
        {
            store.Featurize(slate[i % slate.Count], x);
        }

        sw.Stop();
        Console.WriteLine($"featurize only: {sw.Elapsed.TotalMicroseconds / n:F1} µs");

        const int reps = 100;
        cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        sw.Restart();
        for (var i = 0; i < reps; i++)
        {
            bundle.PredictSlate(store, slate);
        }

        sw.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        Console.WriteLine($"slate of {slate.Count}: {sw.Elapsed.TotalMilliseconds / reps:F2} ms wall, {cpu.TotalMilliseconds / reps:F2} ms CPU");
        Console.WriteLine($"machine load average while measuring: {File.ReadAllText("/proc/loadavg").Trim()}");
    }
}

/// <summary>BenchmarkDotNet version (run: NbaPredict.Benchmarks bench [--bundle dir]).</summary>
[MemoryDiagnoser]
[ShortRunJob]
[MedianColumn]
public class PredictorBenchmarks
{
    private SlateSetup _setup = null!;
    private readonly float[] _x = new float[FeatureSchema.Count];
    private StatPrediction[] _preds = [];
    private int _next;

    /// <summary>BenchmarkDotNet runs benchmarks in a child process: settings travel as environment variables.</summary>
    public const string DataDirVariable = "NBAPREDICT_BENCH_DATA";

    /// <summary>Bundle directory (optional; a quick model is trained when absent).</summary>
    public const string BundleDirVariable = "NBAPREDICT_BENCH_BUNDLE";

    [GlobalSetup]
    public void Setup()
    {
        var data = Environment.GetEnvironmentVariable(DataDirVariable) ?? throw new InvalidOperationException($"{DataDirVariable} is not set.");
        var bundle = Environment.GetEnvironmentVariable(BundleDirVariable);
        _setup = new SlateSetup(data, string.IsNullOrEmpty(bundle) ? null : bundle, new DateOnly(2024, 1, 15));
        _preds = new StatPrediction[_setup.Bundle.Stats.Count];
    }

    /// <summary>A different player each call (a repeated row would keep its tree paths hot in cache).</summary>
    [Benchmark]
    public float OnePlayerGame()
    {
        _next = (_next + 1) % _setup.Slate.Count;
        _setup.Store.Featurize(_setup.Slate[_next], _x);
        _setup.Bundle.Predict(_x, _preds);
        return _preds[0].Value;
    }

    /// <summary>The what-if with its unavailable players named (an empty list: nobody out), served by the known-absence model.</summary>
    [Benchmark]
    public float OnePlayerGameWithNamedAbsences()
    {
        _next = (_next + 1) % _setup.Slate.Count;
        _setup.Store.Featurize(_setup.Slate[_next], _x, []);
        _setup.Bundle.PredictWithKnownAbsences(_x, _preds);
        return _preds[0].Value;
    }

    [Benchmark]
    public int Slate() => _setup.Bundle.PredictSlate(_setup.Store, _setup.Slate).Count;

    /// <summary>
    /// The same slate when every team has sent an injury report (each naming nobody out, so the rows are the ones the
    /// reports write): featurized with the lists and predicted by the known-absence model, as a stored slate is.
    /// </summary>
    [Benchmark]
    public int SlateWithEveryTeamReported()
    {
        var lists = new int[]?[_setup.Slate.Count];
        Array.Fill(lists, []);
        var flags = new bool[_setup.Slate.Count];
        Array.Fill(flags, true);
        return _setup.Bundle.PredictBatch(_setup.Store.FeaturizeSlate(_setup.Slate, lists), flags).Length;
    }
}
