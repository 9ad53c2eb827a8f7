using System.Diagnostics.Metrics;

namespace NbaPredict.Core.Caching;

/// <summary>
/// Hit and miss counters of the serving cache on the "NbaPredict" meter (exported by the metrics endpoint), and the
/// hit ratio since start as an observable gauge.
/// </summary>
public sealed class CacheMetrics : IDisposable
{
    public const string MeterName = "NbaPredict";

    private readonly Meter meter = new(MeterName);
    private readonly Counter<long> hitCounter;
    private readonly Counter<long> missCounter;
    private long hits;
    private long misses;

    public CacheMetrics()
    {
        hitCounter = meter.CreateCounter<long>("nbapredict.cache.hits", description: "Serving cache lookups answered from the cache");
        missCounter = meter.CreateCounter<long>("nbapredict.cache.misses", description: "Serving cache lookups that had to compute or read the database");
        meter.CreateObservableGauge("nbapredict.cache.hit_ratio", () => HitRatio, description: "Share of serving cache lookups answered from the cache since start");
    }

    public long Hits => Interlocked.Read(ref hits);

    public long Misses => Interlocked.Read(ref misses);

    public double HitRatio => Hits + Misses is var total && total == 0 ? 0 : (double)Hits / total;

    public void Dispose() => meter.Dispose();

    public void Hit(string kind)
    {
        Interlocked.Increment(ref hits);
        hitCounter.Add(1, new KeyValuePair<string, object?>("kind", kind));
    }

    public void Miss(string kind)
    {
        Interlocked.Increment(ref misses);
        missCounter.Add(1, new KeyValuePair<string, object?>("kind", kind));
    }
}
