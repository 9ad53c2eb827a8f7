using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Caching;
using NbaPredict.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace NbaPredict.IntegrationTests;

/// <summary>
/// The serving cache with Redis as its second level: Redis is killed mid-run and predictions keep answering from
/// memory and the database; when Redis returns, the cache writes to it again.
/// </summary>
public sealed class RedisDegradationTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private OwnRedisServer redis = null!;
    private NbaApp app = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Provider.Sqlite);
        redis = await OwnRedisServer.StartAsync();
        app = new NbaApp(database, new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.ConnectionString });
        await app.ImportTwoSeasonSlicesAsync(days: 8);
        await app.TrainTinyProductionModelAsync();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        redis.Dispose();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Predictions_keep_answering_while_redis_is_down_and_the_cache_uses_it_again_when_it_returns()
    {
        const string byDate = "query($d: Date) { predictions(date: $d, first: 100) { totalCount nodes { player { nbaId } game { nbaGameId } stats { value } } } }";
        const string byPlayer = "query($p: Int) { predictions(playerNbaId: $p) { totalCount nodes { game { nbaGameId } } } }";
        var last = NbaApp.Data(await app.QueryAsync("{ games(season: \"2023-24\", first: 1) { nodes { date } } }"))["games"]!["nodes"]![0]!["date"]!;
        var date = (string)last!;
        var day = NbaApp.Data(await app.QueryAsync(byDate, new { d = date }))["predictions"]!;
        var players = day["nodes"]!.AsArray().Select(n => (int)n!["player"]!["nbaId"]!).Distinct().ToList();
        Assert.True(players.Count >= 6);
        await WaitForCachedKeysAsync(atLeast: 1);

        redis.Kill();
        var l2 = Assert.IsType<RedisL2Cache>(app.Services.GetRequiredService<IDistributedCache>());
        for (var i = 0; i < 3; i++)
        {
            // Cached in memory, and new keys from the database: all answer while Redis is gone.
            var again = NbaApp.Data(await app.QueryAsync(byDate, new { d = date }))["predictions"]!;
            Assert.Equal(day.ToJsonString(), again.ToJsonString());
            var one = NbaApp.Data(await app.QueryAsync(byPlayer, new { p = players[i] }))["predictions"]!;
            Assert.Equal(1, (int)one["totalCount"]!);
        }

        Assert.False(l2.IsConnected);

        await redis.StartAgainAsync();
        for (var attempt = 0; attempt < 300 && !l2.IsConnected; attempt++)
        {
            await Task.Delay(100);
        }

        Assert.True(l2.IsConnected, "the cache did not reconnect to Redis within 30 s");
        var fresh = NbaApp.Data(await app.QueryAsync(byPlayer, new { p = players[5] }))["predictions"]!;
        Assert.Equal(1, (int)fresh["totalCount"]!);
        await WaitForCachedKeysAsync(atLeast: 1);
        var metrics = app.Services.GetRequiredService<CacheMetrics>();
        Assert.True(metrics.Hits > 0 && metrics.Misses > 0, $"hits {metrics.Hits}, misses {metrics.Misses}");
    }

    /// <summary>Waits until the serving cache has written at least that many entries to this test's Redis.</summary>
    private async Task WaitForCachedKeysAsync(int atLeast)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var count = 0;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            count = 0;
            await foreach (var _ in server.KeysAsync(pattern: "nbapredict:cache:*"))
            {
                count++;
            }

            if (count >= atLeast)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the serving cache wrote {count} entries to Redis; expected at least {atLeast}");
    }
}
