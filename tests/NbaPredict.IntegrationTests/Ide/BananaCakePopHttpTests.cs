using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using GraphQLParser;
using GraphQLParser.AST;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests.Ide;

/// <summary>The IDE's HTTP surface without a browser: page, preset, SDL and assets (docs/decisions/0006-graphql-ide.md).</summary>
public sealed partial class BananaCakePopHttpTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private NbaApp app = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Provider.Sqlite);
        app = new NbaApp(database);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Browser_navigation_to_graphql_gets_the_IDE_page_with_assets_under_graphql_ide()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Contains("<head><base href=\"/graphql-ide/\"/>", html, StringComparison.Ordinal);
        Assert.Contains("<title>Banana Cake Pop</title>", html, StringComparison.Ordinal);

        // Every script the page loads is served from the build's copy of the npm package, cached for good.
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            using var asset = await client.GetAsync("/graphql-ide/" + script);
            Assert.Equal(200, (int)asset.StatusCode);
            Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
            Assert.Contains("immutable", asset.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Non_browser_get_without_query_is_still_a_graphql_request()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/graphql-response+json"));
        using var response = await client.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Preset_points_at_the_page_own_endpoint_with_the_example_document_and_no_telemetry()
    {
        using var client = app.CreateClient();
        using var config = JsonDocument.Parse(await client.GetStringAsync("/graphql/bcp-config.json"));
        var root = config.RootElement;

        Assert.True(root.GetProperty("useBrowserUrlAsEndpoint").GetBoolean());
        Assert.Equal("/graphql", root.GetProperty("endpoint").GetString());
        Assert.EndsWith("/graphql-ide/schema.graphql", root.GetProperty("sdlEndpoint").GetString(), StringComparison.Ordinal);
        Assert.Equal("graphql-transport-ws", root.GetProperty("subscriptionProtocol").GetString());
        Assert.True(root.GetProperty("disableTelemetry").GetBoolean());
        Assert.False(root.TryGetProperty("gaTrackingId", out _));
        var document = root.GetProperty("graphQLDocument").GetString()!;
        Assert.Contains("players(search: \"Curry\", first: 5)", document, StringComparison.Ordinal);
        Assert.Contains("games(date: \"2024-04-14\")", document, StringComparison.Ordinal);

        // The start document stays valid against the schema: each operation runs without errors.
        foreach (var operationName in new[] { "PlayerSearch", "GamesOnDate" })
        {
            using var response = await client.PostAsJsonAsync("/graphql", new { query = document, operationName });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{operationName}: HTTP {(int)response.StatusCode}: {body}");
            Assert.DoesNotContain("\"errors\"", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Sdl_for_the_IDE_defines_every_directive_it_applies()
    {
        using var client = app.CreateClient();
        var sdl = await client.GetStringAsync("/graphql-ide/schema.graphql");

        var document = Parser.Parse(sdl);
        Assert.Contains(document.Definitions.OfType<GraphQLObjectTypeDefinition>(), t => t.Name.StringValue == "Query");
        var defined = document.Definitions.OfType<GraphQLDirectiveDefinition>().Select(d => d.Name.StringValue)
            .Concat(["deprecated", "specifiedBy", "include", "skip", "oneOf"]).ToHashSet(StringComparer.Ordinal);
        var applied = AppliedDirective().Matches(RemoveStrings(sdl)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(applied.Except(defined));
    }

    private static string RemoveStrings(string sdl) => StringLiteral().Replace(sdl, "\"\"");

    [GeneratedRegex("""<script defer="defer" src="([^"]+)">""")]
    private static partial Regex ScriptSource();

    [GeneratedRegex("""(?<!directive )@([A-Za-z_][A-Za-z0-9_]*)""")]
    private static partial Regex AppliedDirective();

    [GeneratedRegex(""""(""".*?""")|("(?:[^"\\\n]|\\.)*")"""", RegexOptions.Singleline)]
    private static partial Regex StringLiteral();
}
