using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Graph.GraphQL.Infrastructure;

namespace NbaPredict.Graph.Tests.Infrastructure;

/// <summary>Automatic persisted queries: hash only, PersistedQueryNotFound, register once, then hash only again.</summary>
public sealed class PersistedQueryTests
{
    private const string Query = "{ hello }";

    private static string Body(string? query, string hash, int version = 1) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["query"] = query,
        ["extensions"] = new { persistedQuery = new { version, sha256Hash = hash } },
    });

    [Fact]
    public async Task Unknown_hash_asks_for_the_document_then_the_hash_alone_works()
    {
        await using var host = await GraphQLTestHost.StartAsync();
        var hash = PersistedQueryStore.Hash(Query);

        var unknown = await host.PostAsync(Body(null, hash));
        var register = await host.PostAsync(Body(Query, hash));
        var byHash = await host.PostAsync(Body(null, hash));
        var byGet = await host.GetAsync("/graphql?extensions=" + Uri.EscapeDataString(JsonSerializer.Serialize(new { persistedQuery = new { version = 1, sha256Hash = hash } })));

        Assert.Equal("PERSISTED_QUERY_NOT_FOUND", unknown.FirstErrorCode);
        Assert.Equal(PersistedQueryStore.NotFoundMessage, unknown.Errors[0].GetProperty("message").GetString());
        Assert.Equal(200, register.Status);
        Assert.Equal(register.Body, byHash.Body);
        Assert.True(byHash.HasData, byHash.ToString());
        Assert.Equal(200, byGet.Status);
        Assert.Equal(register.Body, byGet.Body);
    }

    [Fact]
    public async Task A_hash_that_does_not_match_the_document_is_refused_and_not_stored()
    {
        await using var host = await GraphQLTestHost.StartAsync();
        var wrongHash = PersistedQueryStore.Hash("{ somethingElse }");

        var response = await host.PostAsync(Body(Query, wrongHash));

        Assert.Equal(400, response.Status);
        Assert.Equal("PERSISTED_QUERY_HASH_MISMATCH", response.FirstErrorCode);
        Assert.Equal(0, host.Services.GetRequiredService<PersistedQueryStore>().RegisteredCount);
    }

    [Theory]
    [InlineData("abc", 1, "PERSISTED_QUERY_INVALID_HASH")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789", 1, "PERSISTED_QUERY_INVALID_HASH")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", 2, "PERSISTED_QUERY_VERSION")]
    public async Task Malformed_persisted_query_extensions_are_clear_errors(string hash, int version, string code)
    {
        await using var host = await GraphQLTestHost.StartAsync();

        var response = await host.PostAsync(Body(null, hash, version));

        Assert.Equal(400, response.Status);
        Assert.Equal(code, response.FirstErrorCode);
    }

    [Fact]
    public async Task Known_documents_work_by_hash_without_registration()
    {
        await using var host = await GraphQLTestHost.StartAsync(configureServices: s => s.Configure<PersistedQueryOptions>(o =>
        {
            o.KnownDocuments.Add(Query);
            o.AllowRegistration = false;
        }));

        var known = await host.PostAsync(Body(null, PersistedQueryStore.Hash(Query)));
        var other = "{ items { id } }";
        await host.PostAsync(Body(other, PersistedQueryStore.Hash(other)));
        var notRegistered = await host.PostAsync(Body(null, PersistedQueryStore.Hash(other)));

        Assert.True(known.HasData, known.ToString());
        Assert.Equal("PERSISTED_QUERY_NOT_FOUND", notRegistered.FirstErrorCode);
    }
}
