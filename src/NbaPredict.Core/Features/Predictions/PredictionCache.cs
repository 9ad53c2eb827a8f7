using Microsoft.Extensions.Caching.Hybrid;
using NbaPredict.Core.Caching;
using NbaPredict.Core.Events;

namespace NbaPredict.Core.Features.Predictions;

/// <summary>
/// The serving cache: HybridCache (memory, plus Redis when configured) with stampede protection, so concurrent
/// misses of one key run its factory once. Every entry carries the <see cref="Tag"/>; results arriving (an import
/// bumps <see cref="DataVersion"/>), a promotion, an experiment change or a refresh remove them all by tag.
/// </summary>
public sealed class PredictionCache : IDisposable
{
    public const string Tag = "predictions";

    /// <summary>The in-memory copy lives shorter than the Redis copy, bounding staleness on other instances.</summary>
    public static readonly HybridCacheEntryOptions EntryOptions = new()
    {
        Expiration = TimeSpan.FromMinutes(10),
        LocalCacheExpiration = TimeSpan.FromSeconds(30),
    };

    private static readonly string[] Tags = [Tag];
    private readonly HybridCache cache;
    private readonly CacheMetrics metrics;
    private readonly DataVersion dataVersion;
    private readonly List<IDisposable> subscriptions = [];

    public PredictionCache(HybridCache cache, CacheMetrics metrics, DataVersion dataVersion, IEventBus events)
    {
        this.cache = cache;
        this.metrics = metrics;
        this.dataVersion = dataVersion;
        dataVersion.Bumped += OnDataChanged;
        subscriptions.Add(events.Subscribe<object>(Topics.ModelPromoted).Subscribe(new Invalidator(this)));
        subscriptions.Add(events.Subscribe<object>(Topics.ExperimentChanged).Subscribe(new Invalidator(this)));
    }

    public void Dispose()
    {
        dataVersion.Bumped -= OnDataChanged;
        foreach (var subscription in subscriptions)
        {
            subscription.Dispose();
        }
    }

    /// <summary>The cached value of <paramref name="key"/>, computed by <paramref name="factory"/> (once, however many callers miss together).</summary>
    public async ValueTask<T> GetOrCreateAsync<TState, T>(string kind, string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory, CancellationToken cancellationToken)
    {
        var flag = new MissFlag();
        var value = await cache.GetOrCreateAsync(
            key,
            (state, factory, flag),
            static (s, ct) =>
            {
                s.flag.Missed = true;
                return s.factory(s.state, ct);
            },
            EntryOptions,
            Tags,
            cancellationToken);
        if (flag.Missed)
        {
            metrics.Miss(kind);
        }
        else
        {
            metrics.Hit(kind);
        }

        return value;
    }

    public ValueTask InvalidateAsync(CancellationToken cancellationToken = default) => cache.RemoveByTagAsync(Tag, cancellationToken);

    private void OnDataChanged() => _ = InvalidateAsync().AsTask();

    private sealed class MissFlag
    {
        public bool Missed { get; set; }
    }

    private sealed class Invalidator(PredictionCache owner) : IObserver<object>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(object value) => _ = owner.InvalidateAsync().AsTask();
    }
}
