using GraphQL.Execution;
using GraphQLParser.AST;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NbaPredict.Graph.GraphQL.Infrastructure;
using Xunit;

namespace NbaPredict.Graph.Tests.Infrastructure;

public sealed class ParsedDocumentCacheTests
{
    /// <summary>Counts real parses; it replaces the builder of both the executer and the cache.</summary>
    private sealed class CountingDocumentBuilder : IDocumentBuilder
    {
        private readonly GraphQLDocumentBuilder _inner = new();
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public GraphQLDocument Build(string body)
        {
            Interlocked.Increment(ref _count);
            return _inner.Build(body);
        }
    }

    [Fact]
    public async Task Second_identical_request_is_not_parsed_again()
    {
        var builder = new CountingDocumentBuilder();
        await using var host = await GraphQLTestHost.StartAsync(configureServices: s => s.AddSingleton<IDocumentBuilder>(builder));
        var cache = host.Services.GetRequiredService<ParsedDocumentCache>();

        var first = await host.PostQueryAsync("{ hello }");
        var second = await host.PostQueryAsync("{ hello }");

        Assert.Equal(200, first.Status);
        Assert.Equal(second.Body, first.Body);
        Assert.Equal(1, builder.Count);
        Assert.Equal(1, cache.Misses);
        Assert.Equal(1, cache.Hits);

        // GET reads the same cache (it parses up front to refuse mutations).
        var get = await host.GetAsync("/graphql?query=%7B%20hello%20%7D");
        Assert.Equal(200, get.Status);
        Assert.Equal(1, builder.Count);
        Assert.Equal(2, cache.Hits);

        // Different variables, same document: still no parse.
        await host.PostQueryAsync("query($n: String) { hello(name: $n) }", new { n = "a" });
        await host.PostQueryAsync("query($n: String) { hello(name: $n) }", new { n = "b" });
        Assert.Equal(2, builder.Count);
    }

    [Fact]
    public async Task Syntax_errors_are_not_cached()
    {
        var builder = new CountingDocumentBuilder();
        await using var host = await GraphQLTestHost.StartAsync(configureServices: s => s.AddSingleton<IDocumentBuilder>(builder));

        await host.PostQueryAsync("{ hello ");
        await host.PostQueryAsync("{ hello ");

        Assert.Equal(2, builder.Count);
        Assert.Equal(0, host.Services.GetRequiredService<ParsedDocumentCache>().Count);
    }

    [Fact]
    public async Task Validation_still_runs_for_cached_documents()
    {
        await using var host = await GraphQLTestHost.StartAsync();

        var first = await host.PostQueryAsync("{ nope }");
        var second = await host.PostQueryAsync("{ nope }");

        Assert.Equal(400, first.Status);
        Assert.Equal(400, second.Status);
        Assert.Equal(1, host.Services.GetRequiredService<ParsedDocumentCache>().Hits);
    }

    [Fact]
    public void Least_recently_used_entry_is_evicted()
    {
        var cache = new ParsedDocumentCache(new GraphQLDocumentBuilder(), Options.Create(new ParsedDocumentCacheOptions { Capacity = 2 }));

        var a = cache.GetOrParse("{ a }");
        cache.GetOrParse("{ b }");
        Assert.Same(a, cache.GetOrParse("{ a }")); // a is now the most recently used
        cache.GetOrParse("{ c }");                  // evicts b

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("{ a }", out _));
        Assert.True(cache.TryGet("{ c }", out _));
        Assert.False(cache.TryGet("{ b }", out _));
        Assert.Equal(1, cache.Hits);
        Assert.Equal(3, cache.Misses);
    }

    [Fact]
    public void Zero_capacity_and_long_queries_are_not_cached()
    {
        var off = new ParsedDocumentCache(new GraphQLDocumentBuilder(), Options.Create(new ParsedDocumentCacheOptions { Capacity = 0 }));
        off.GetOrParse("{ a }");
        Assert.Equal(0, off.Count);

        var small = new ParsedDocumentCache(new GraphQLDocumentBuilder(), Options.Create(new ParsedDocumentCacheOptions { MaxCachedQueryLength = 8 }));
        small.GetOrParse("{ a }");
        small.GetOrParse("{ a b c d e }");
        Assert.Equal(1, small.Count);
    }

    [Fact]
    public async Task Cache_is_thread_safe()
    {
        var cache = new ParsedDocumentCache(new GraphQLDocumentBuilder(), Options.Create(new ParsedDocumentCacheOptions { Capacity = 16 }));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                cache.GetOrParse($"{{ f{(i + t) % 40} }}");
            }
        })));

        Assert.Equal(16, cache.Count);
        Assert.Equal(4000, cache.Hits + cache.Misses);
    }
}
