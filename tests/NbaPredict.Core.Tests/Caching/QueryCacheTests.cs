using NbaPredict.Core.Caching;

namespace NbaPredict.Core.Tests.Caching;

public sealed class QueryCacheTests
{
    private sealed record Value(int Key);

    [Fact]
    public async Task Batch_lookups_fetch_only_the_keys_not_cached_including_absent_ones()
    {
        using var cache = new QueryCache(new DataVersion());
        var fetched = new List<IReadOnlyList<int>>();
        Task<IDictionary<int, Value>> Fetch(IReadOnlyList<int> keys, CancellationToken ct)
        {
            fetched.Add(keys);
            return Task.FromResult<IDictionary<int, Value>>(keys.Where(k => k != 3).ToDictionary(k => k, k => new Value(k)));
        }

        var first = await cache.GetManyAsync<int, Value>("v", [1, 2, 3], Fetch, default);
        var second = await cache.GetManyAsync<int, Value>("v", [1, 2, 3, 4], Fetch, default);

        Assert.Equal([1, 2], first.Keys.Order());
        Assert.Equal([1, 2, 4], second.Keys.Order());
        Assert.Equal(2, fetched.Count);
        Assert.Equal([4], fetched[1]);
    }

    [Fact]
    public async Task Bumping_the_data_version_invalidates_every_entry()
    {
        var version = new DataVersion();
        using var cache = new QueryCache(version);
        var calls = 0;
        Task<int> Create(CancellationToken ct) => Task.FromResult(++calls);

        var a = await cache.GetOrCreateAsync("k", "x", Create, default);
        var b = await cache.GetOrCreateAsync("k", "x", Create, default);
        version.Bump();
        var c = await cache.GetOrCreateAsync("k", "x", Create, default);

        Assert.Equal((1, 1, 2), (a, b, c));
        Assert.Equal(1, cache.Hits);
    }
}
