using Microsoft.Extensions.Logging.Abstractions;
using NbaPredict.Core;
using NbaPredict.Graph.Security;
using NbaPredict.Graph.Tests.Subscriptions;
using Xunit;

namespace NbaPredict.Graph.Tests.Security;

/// <summary>The token buckets behind the per-caller rate limits: in memory, and shared through Redis.</summary>
public sealed class RateLimitStoreTests
{
    private static readonly TierLimit ThreePerMinute = new() { Burst = 3, PerMinute = 3 };

    [Fact]
    public async Task An_in_memory_bucket_allows_its_burst_then_refuses_until_a_token_refills()
    {
        var clock = new ManualClock();
        var store = new InMemoryRateLimitStore(clock);

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await store.TakeAsync("key:a", ThreePerMinute, CancellationToken.None)).Allowed);
        }

        var refused = await store.TakeAsync("key:a", ThreePerMinute, CancellationToken.None);
        Assert.False(refused.Allowed);
        Assert.Equal(20, refused.RetryAfter.TotalSeconds, precision: 3); // 3 per minute: one token every 20 s
        Assert.True((await store.TakeAsync("key:b", ThreePerMinute, CancellationToken.None)).Allowed); // buckets are per caller

        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await store.TakeAsync("key:a", ThreePerMinute, CancellationToken.None)).Allowed);
        Assert.False((await store.TakeAsync("key:a", ThreePerMinute, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task Two_instances_share_one_bucket_through_Redis()
    {
        var settings = new NbaPredictSettings(Path.GetTempPath(), null, RedisTestServer.ConnectionString);
        using var first = new RedisRateLimitStore(settings, new InMemoryRateLimitStore(TimeProvider.System), NullLogger<RedisRateLimitStore>.Instance);
        using var second = new RedisRateLimitStore(settings, new InMemoryRateLimitStore(TimeProvider.System), NullLogger<RedisRateLimitStore>.Instance);
        var partition = "test:" + Guid.NewGuid().ToString("N");
        // Connected first, so a slow first connect on a loaded machine cannot send a take to the local fallback.
        await Task.WhenAll(first.ConnectAsync(), second.ConnectAsync());

        Assert.True((await first.TakeAsync(partition, ThreePerMinute, CancellationToken.None)).Allowed);
        Assert.True((await second.TakeAsync(partition, ThreePerMinute, CancellationToken.None)).Allowed);
        Assert.True((await first.TakeAsync(partition, ThreePerMinute, CancellationToken.None)).Allowed);
        var refused = await second.TakeAsync(partition, ThreePerMinute, CancellationToken.None);

        Assert.False(refused.Allowed);
        Assert.InRange(refused.RetryAfter.TotalSeconds, 15, 20.001);
    }

    [Fact]
    public async Task Without_Redis_an_instance_falls_back_to_its_own_buckets()
    {
        var settings = new NbaPredictSettings(Path.GetTempPath(), null, "127.0.0.1:1,connectTimeout=200");
        using var store = new RedisRateLimitStore(settings, new InMemoryRateLimitStore(TimeProvider.System), NullLogger<RedisRateLimitStore>.Instance);

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await store.TakeAsync("key:x", ThreePerMinute, CancellationToken.None)).Allowed);
        }

        Assert.False((await store.TakeAsync("key:x", ThreePerMinute, CancellationToken.None)).Allowed);
    }

    private sealed class ManualClock : TimeProvider
    {
        private long ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }
}
