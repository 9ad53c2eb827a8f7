using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using NbaPredict.IntegrationTests.Infrastructure;
using NbaPredict.Workers.Cli;

namespace NbaPredict.IntegrationTests.Security;

/// <summary>
/// The README's partner path on both providers: <c>clients create</c> on the command line, a token from
/// <c>POST /connect/token</c>, an authorized GraphQL query; then rotation, revocation, API keys and the audit log.
/// </summary>
public abstract class PartnerFlowTests(Provider provider) : IAsyncLifetime
{
    private TestDatabase database = null!;
    private NbaApp app = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(provider);
        app = new NbaApp(database);
        _ = app.Server;
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_partner_goes_from_clients_create_to_an_authorized_query_and_loses_access_on_rotate_and_revoke()
    {
        var created = await CliAsync("clients", "create", "--name", "Acme Analytics", "--scopes", "players.read predictions.read");
        var clientId = created["client_id"];
        var secret = created["client_secret"];

        var token = await TokenAsync(clientId, secret, "players.read predictions.read");
        Assert.Equal(HttpStatusCode.OK, token.Status);
        var accessToken = (string)token.Body["access_token"]!;
        Assert.Equal("Bearer", (string)token.Body["token_type"]!);

        var (status, body) = await GraphQLAsync("{ predictions(first: 1) { totalCount } }", bearer: accessToken);
        Assert.Equal(200, status);
        Assert.Null(body["errors"]);
        (status, body) = await GraphQLAsync("{ auditLog(first: 1) { totalCount } }", bearer: accessToken);
        Assert.Equal("FORBIDDEN", (string)body["errors"]![0]!["extensions"]!["code"]!);

        var rotated = await CliAsync("clients", "rotate", "--client-id", clientId);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(clientId, secret, null)).Status);
        var fresh = await TokenAsync(clientId, rotated["client_secret"], null);
        Assert.Equal(HttpStatusCode.OK, fresh.Status);

        await CliAsync("clients", "revoke", "--client-id", clientId);
        (status, _) = await GraphQLAsync("{ predictions(first: 1) { totalCount } }", bearer: (string)fresh.Body["access_token"]!);
        Assert.Equal(401, status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(clientId, rotated["client_secret"], null)).Status);

        var key = (await CliAsync("keys", "create", "--name", "ops", "--tier", "pro", "--scopes", "models.admin"))["api_key"];
        (status, body) = await GraphQLAsync("{ auditLog(first: 50) { totalCount nodes { actor action outcome requestId } } }", apiKey: key);
        Assert.Equal(200, status);
        var actions = body["data"]!["auditLog"]!["nodes"]!.AsArray().Select(n => (string)n!["action"]!).ToList();
        Assert.Contains("clients.create", actions);
        Assert.Contains("clients.rotate", actions);
        Assert.Contains("clients.revoke", actions);
        Assert.Contains("keys.create", actions);
        Assert.Contains("token.issue", actions);
        Assert.Contains("auth.failed", actions);

        var listed = await CliTextAsync("keys", "list");
        Assert.Contains("ops", listed, StringComparison.Ordinal);
        await CliAsync("keys", "revoke", "--id", key[..12]);
        Assert.Contains("revoked", await CliTextAsync("keys", "list"), StringComparison.Ordinal);
        (status, _) = await GraphQLAsync("{ __typename }", apiKey: key);
        Assert.Equal(401, status);
    }

    [Fact]
    public async Task Guessing_client_secrets_is_throttled_per_IP_address()
    {
        var created = await CliAsync("clients", "create", "--name", "Target", "--scopes", "players.read");
        HttpResponseMessage? last = null;
        for (var attempt = 0; attempt < 40 && last?.StatusCode != HttpStatusCode.TooManyRequests; attempt++)
        {
            last?.Dispose();
            using var client = app.CreateAnonymousClient();
            last = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = created["client_id"],
                ["client_secret"] = "guess-" + attempt,
            }));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.NotNull(last.Headers.RetryAfter);
        last.Dispose();
    }

    [Fact]
    public async Task Mutations_are_audited_with_who_and_the_request_id()
    {
        var (status, body) = await GraphQLAsync("mutation { refreshPredictions(date: \"2023-10-24\") { count errors { code } } }", apiKey: app.DefaultApiKey);
        Assert.Equal(200, status);
        (status, body) = await GraphQLAsync("{ auditLog(first: 5) { nodes { actor action outcome requestId } } }", apiKey: app.DefaultApiKey);
        var entry = body["data"]!["auditLog"]!["nodes"]!.AsArray().First(n => (string)n!["action"]! == "mutation refreshPredictions")!;
        Assert.StartsWith("key:nbp_", (string)entry["actor"]!, StringComparison.Ordinal);
        Assert.Equal("success", (string)entry["outcome"]!);
        Assert.False(string.IsNullOrEmpty((string?)entry["requestId"]));
    }

    private async Task<Dictionary<string, string>> CliAsync(params string[] args)
    {
        var text = await CliTextAsync(args);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(": ", 2))
            .Where(p => p.Length == 2 && !p[0].Contains(' ', StringComparison.Ordinal))
            .ToDictionary(p => p[0], p => p[1].Trim());
    }

    private async Task<string> CliTextAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(database.Configuration).Build();
        var exit = await NbaCli.RunAsync(args, output, error, configuration);
        Assert.True(exit == 0, $"nbapredict {string.Join(' ', args)} exited {exit}: {error}");
        return output.ToString();
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> TokenAsync(string clientId, string secret, string? scope)
    {
        using var client = app.CreateAnonymousClient();
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private async Task<(int Status, JsonObject Body)> GraphQLAsync(string query, string? bearer = null, string? apiKey = null)
    {
        using var client = app.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query }) };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}

public sealed class SqlitePartnerFlowTests() : PartnerFlowTests(Provider.Sqlite);

public sealed class PostgresPartnerFlowTests() : PartnerFlowTests(Provider.Postgres);
