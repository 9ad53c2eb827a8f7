using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NbaPredict.Core.Caching;
using NbaPredict.Core.Events;
using NbaPredict.Core.Features.Predictions;

namespace NbaPredict.Core.Tests.Caching;

public sealed class PredictionCacheTests
{
    private static readonly PredictionList Sample = new([
        new PredictionView(7, "0022300061", 201939, 1610612744, 1610612747, true, new DateOnly(2023, 11, 10), "m1", "fs1", "abc",
            new DateTimeOffset(2023, 11, 9, 12, 0, 0, TimeSpan.Zero), [new PredictedStat("PTS", 27.5, 21, 34, 17, 39)], 3, false),
    ]);

    private static (PredictionCache Cache, CacheMetrics Metrics, DataVersion Data, ServiceProvider Provider) Create(IDistributedCache? l2 = null)
    {
        var services = new ServiceCollection();
        if (l2 is not null)
        {
            services.AddSingleton(l2);
        }

        services.AddHybridCache();
        services.AddSingleton<IEventBus>(new InProcessEventBus());
        var provider = services.BuildServiceProvider();
        var metrics = new CacheMetrics();
        var data = new DataVersion();
        return (new PredictionCache(provider.GetRequiredService<HybridCache>(), metrics, data, provider.GetRequiredService<IEventBus>()), metrics, data, provider);
    }

    [Fact]
    public async Task Hits_and_misses_are_counted_and_a_data_change_empties_the_cache()
    {
        var (cache, metrics, data, provider) = Create();
        using var _ = provider;
        var calls = 0;
        ValueTask<PredictionList> Load(int state, CancellationToken ct)
        {
            calls++;
            return ValueTask.FromResult(Sample);
        }

        var first = await cache.GetOrCreateAsync("predictions", "k", 0, Load, CancellationToken.None);
        var second = await cache.GetOrCreateAsync("predictions", "k", 0, Load, CancellationToken.None);
        data.Bump();
        await Task.Delay(50);
        await cache.GetOrCreateAsync("predictions", "k", 0, Load, CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(2, calls);
        Assert.Equal(1, metrics.Hits);
        Assert.Equal(2, metrics.Misses);
    }

    [Fact]
    public async Task Entries_round_trip_through_the_second_level()
    {
        var l2 = new MemoryDistributedCacheStandIn();
        var (writer, _, _, p1) = Create(l2);
        var (reader, readerMetrics, _, p2) = Create(l2);
        using var _1 = p1;
        using var _2 = p2;

        await writer.GetOrCreateAsync("predictions", "k", 0, (_, _) => ValueTask.FromResult(Sample), CancellationToken.None);
        for (var i = 0; i < 50 && l2.Count == 0; i++)
        {
            await Task.Delay(20);
        }

        var read = await reader.GetOrCreateAsync("predictions", "k", 0, (_, _) => ValueTask.FromResult(new PredictionList([])), CancellationToken.None);

        Assert.Equal(Sample.Items[0], read.Items[0] with { Stats = Sample.Items[0].Stats });
        Assert.Equal(Sample.Items[0].Stats, read.Items[0].Stats);
        Assert.Equal(1, readerMetrics.Hits);
    }

    /// <summary>A distributed cache in memory that HybridCache does not recognise as its own (so it is used as L2).</summary>
    private sealed class MemoryDistributedCacheStandIn : IDistributedCache
    {
        private readonly MemoryDistributedCache inner = new(Options.Create(new MemoryDistributedCacheOptions()));

        public int Count { get; private set; }

        public byte[]? Get(string key) => inner.Get(key);

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => inner.GetAsync(key, token);

        public void Refresh(string key) => inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

        public void Remove(string key) => inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
        {
            Count++;
            inner.Set(key, value, options);
        }

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Count++;
            return inner.SetAsync(key, value, options, token);
        }
    }
}
