using System.Collections.Concurrent;
using GraphQL.DataLoader;
using NbaPredict.Graph.GraphQL.Infrastructure;
using Xunit;

namespace NbaPredict.Graph.Tests.Infrastructure;

public sealed class DataLoaderTests
{
    [Fact]
    public async Task Children_of_all_items_are_fetched_in_one_batch()
    {
        await using var host = await GraphQLTestHost.StartAsync();

        var response = await host.PostQueryAsync("{ items(count: 5) { id children { id parentId } } }");

        Assert.Equal(200, response.Status);
        Assert.Empty(response.Errors);
        var call = Assert.Single(host.Store.ChildCalls);
        Assert.Equal([1, 2, 3, 4, 5], call.Order());

        var items = response.Data.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(5, items.Length);
        foreach (var item in items)
        {
            var id = item.GetProperty("id").GetInt32();
            var children = item.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("id").GetInt32()).ToArray();
            Assert.Equal(id % 3 == 0 ? [] : new[] { (id * 10) + 1, (id * 10) + 2 }, children);
        }
    }

    [Fact]
    public async Task Duplicate_keys_are_fetched_once_and_missing_keys_resolve_to_default()
    {
        await using var host = await GraphQLTestHost.StartAsync();

        var response = await host.PostQueryAsync(
            "{ itemsWithIds(ids: [1, 1, 2, 2, 3]) { id children { id } owner ownerShout } more: items(count: 4) { id owner } }");

        Assert.Equal(200, response.Status);
        Assert.Empty(response.Errors);
        Assert.Equal([1, 2, 3], Assert.Single(host.Store.ChildCalls).Order());
        Assert.Equal([1, 2, 3, 4], Assert.Single(host.Store.OwnerCalls).Order());

        var items = response.Data.GetProperty("itemsWithIds").EnumerateArray().ToArray();
        Assert.Equal(5, items.Length);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, items[0].GetProperty("owner").ValueKind);
        Assert.Equal("owner-2", items[2].GetProperty("owner").GetString());
        Assert.Equal("OWNER-2", items[3].GetProperty("ownerShout").GetString());
        Assert.Empty(items[4].GetProperty("children").EnumerateArray());
    }

    [Fact]
    public async Task Each_request_gets_its_own_loaders()
    {
        await using var host = await GraphQLTestHost.StartAsync();

        await host.PostQueryAsync("{ items(count: 2) { children { id } } }");
        await host.PostQueryAsync("{ items(count: 2) { children { id } } }");

        Assert.Equal(2, host.Store.ChildCalls.Count);
    }

    [Fact]
    public async Task Concurrent_loads_make_one_fetch_with_distinct_keys()
    {
        var calls = new ConcurrentQueue<int[]>();
        var loader = new DataLoaderContext().GetOrAddBatchLoader<int, string>("n", (keys, _) =>
        {
            calls.Enqueue([.. keys]);
            return Task.FromResult<IDictionary<int, string>>(keys.ToDictionary(k => k, k => $"v{k}"));
        });

        var results = new ConcurrentBag<(int Key, IDataLoaderResult<string?> Result)>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                var key = (i * 7 + t) % 100;
                results.Add((key, loader.LoadAsync(key)));
            }
        })));

        var values = await Task.WhenAll(results.Select(async r => (r.Key, Value: await r.Result.GetResultAsync())));

        var call = Assert.Single(calls);
        Assert.Equal(100, call.Length);
        Assert.Equal(100, call.Distinct().Count());
        Assert.All(values, v => Assert.Equal($"v{v.Key}", v.Value));
    }

    [Fact]
    public async Task Nothing_is_fetched_until_a_result_is_awaited_and_later_keys_form_a_new_batch()
    {
        var calls = new List<int[]>();
        var loader = new DataLoaderContext().GetOrAddCollectionBatchLoader<int, int>("c", (keys, _) =>
        {
            calls.Add([.. keys]);
            return Task.FromResult(keys.SelectMany(k => new[] { k, k * 100 }).ToLookup(v => v % 100 == 0 && v != 0 ? v / 100 : v));
        });

        var one = loader.LoadAsync(1);
        var two = loader.LoadAsync(2);
        Assert.Empty(calls);

        Assert.Equal([1, 100], await one.GetResultAsync());
        Assert.Equal([2, 200], await two.GetResultAsync());
        Assert.Single(calls);

        var three = loader.LoadAsync(3);
        var oneAgain = loader.LoadAsync(1); // cached: not fetched again
        Assert.Equal([3, 300], await three.GetResultAsync());
        Assert.Equal([1, 100], await oneAgain.GetResultAsync());
        Assert.Equal(2, calls.Count);
        Assert.Equal([3], calls[1]);

        var many = await loader.LoadManyAsync([2, 4, 2]).GetResultAsync();
        Assert.Equal(3, many.Count);
        Assert.Equal([2, 200], many[0]);
        Assert.Equal([4, 400], many[1]);
        Assert.Equal([2, 200], many[2]);
        Assert.Equal(3, calls.Count);
        Assert.Equal([4], calls[2]); // only the key not seen before
    }

    [Fact]
    public async Task Fetch_failure_reaches_every_result_of_the_batch()
    {
        var loader = new DataLoaderContext().GetOrAddBatchLoader<int, string>("f", (_, _) =>
            Task.FromException<IDictionary<int, string>>(new InvalidOperationException("db down")));

        var a = loader.LoadAsync(1);
        var b = loader.LoadAsync(2);

        Assert.Equal("db down", (await Assert.ThrowsAsync<InvalidOperationException>(() => a.GetResultAsync())).Message);
        Assert.Equal("db down", (await Assert.ThrowsAsync<InvalidOperationException>(() => b.GetResultAsync())).Message);
    }

    [Fact]
    public void Same_name_with_other_types_is_rejected()
    {
        var context = new DataLoaderContext();
        var first = context.GetOrAddBatchLoader<int, string>("x", (_, _) => Task.FromResult<IDictionary<int, string>>(new Dictionary<int, string>()));
        var again = context.GetOrAddBatchLoader<int, string>("x", (_, _) => throw new InvalidOperationException("not used"));

        Assert.Same(first, again);
        Assert.Throws<InvalidOperationException>(() =>
            context.GetOrAddBatchLoader<string, string>("x", (_, _) => Task.FromResult<IDictionary<string, string>>(new Dictionary<string, string>())));
    }

    [Fact]
    public async Task Then_maps_once_and_completed_results_need_no_loader()
    {
        var calls = 0;
        var mapped = DataLoaderResult.FromValue(20).Then(v =>
        {
            Interlocked.Increment(ref calls);
            return v + 1;
        });

        Assert.Equal(21, await mapped.GetResultAsync());
        Assert.Equal(21, await mapped.GetResultAsync());
        Assert.Equal(1, calls);

        var chained = await new CompletedDataLoaderResult<string>("a").Then((s, _) => Task.FromResult(s + "b")).GetResultAsync();
        Assert.Equal("ab", chained);
    }
}
