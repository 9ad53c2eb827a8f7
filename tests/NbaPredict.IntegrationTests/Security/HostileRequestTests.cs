using System.Data.Common;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Data;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests.Security;

/// <summary>
/// The issue's done-when table: hostile or mistaken requests, each with its expected answer. Every answer also
/// carries a request id and no stack trace, SQL or file path; afterwards the database holds exactly what it held
/// before, plus audit rows.
/// </summary>
public sealed class HostileRequestTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private const string GraphQLResponse = "application/graphql-response+json";

    private NbaApp App => fixture.App;

    private sealed record Answer(int Status, string Body, string? RequestId, string? RetryAfter);

    private sealed record Case(string Name, Func<Task<Answer>> Send, int Status, string? Code = null, string? Contains = null);

    [Fact]
    public async Task Hostile_and_mistaken_requests_get_their_expected_answers_and_change_nothing_but_the_audit_log()
    {
        var before = await SnapshotAsync();
        var auditBefore = await AuditCountAsync();
        var cases = Cases();
        Assert.True(cases.Count >= 40, $"only {cases.Count} cases");

        var failures = new List<string>();
        foreach (var c in cases)
        {
            Answer answer;
            try
            {
                answer = await c.Send();
            }
            catch (Exception ex)
            {
                failures.Add($"{c.Name}: threw {ex.GetType().Name}: {ex.Message}");
                continue;
            }

            var problems = new List<string>();
            if (answer.Status != c.Status)
            {
                problems.Add($"status {answer.Status}, expected {c.Status}");
            }

            if (c.Code is not null && !answer.Body.Contains('"' + c.Code + '"', StringComparison.Ordinal))
            {
                problems.Add($"no code {c.Code}");
            }

            if (c.Contains is not null && !answer.Body.Contains(c.Contains, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"no '{c.Contains}'");
            }

            if (answer.RequestId is null)
            {
                problems.Add("no X-Request-Id");
            }

            foreach (var leak in new[] { "   at ", "Exception", "SELECT ", "INSERT ", "/work/", "/tmp/", "sqlite", "Npgsql", "StackTrace" })
            {
                if (answer.Body.Contains(leak, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"leaks '{leak}'");
                }
            }

            if (problems.Count > 0)
            {
                failures.Add($"{c.Name}: {string.Join("; ", problems)} — body: {Shorten(answer.Body)}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases failed:\n" + string.Join('\n', failures));
        Assert.Equal(before, await SnapshotAsync());
        Assert.True(await AuditCountAsync() > auditBefore, "the refused requests left no audit rows");
    }

    [Theory]
    [InlineData(null, 401, "AUTH_REQUIRED")]
    [InlineData("read-only", 403, "FORBIDDEN")]
    [InlineData("all", 200, null)]
    public async Task A_REST_endpoint_with_RequiredScope_metadata_answers_401_or_403_problem_details(string? credential, int status, string? code)
    {
        // The REST layer is added by other features; this drives the gate with an endpoint that carries the metadata.
        await using var scope = App.Services.CreateAsyncScope();
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = "GET";
        context.Request.Path = "/api/v1/models";
        context.Response.Body = new MemoryStream();
        context.SetEndpoint(new Microsoft.AspNetCore.Http.Endpoint(_ => Task.CompletedTask,
            new Microsoft.AspNetCore.Http.EndpointMetadataCollection(new NbaPredict.Graph.Security.RequiredScope(NbaPredict.Graph.Security.Scopes.ModelsAdmin)), "test"));
        var key = credential switch { "read-only" => fixture.ReadOnlyKey, "all" => App.DefaultApiKey, _ => null };
        if (key is not null)
        {
            context.User = (await NbaPredict.Graph.Security.ApiKeyAuthenticationHandler.AuthenticateKeyAsync(scope.ServiceProvider, key, CancellationToken.None))!;
        }

        var reached = false;
        var gate = ActivatorUtilities.CreateInstance<NbaPredict.Graph.Security.SecurityMiddleware>(scope.ServiceProvider,
            (Microsoft.AspNetCore.Http.RequestDelegate)(c => { reached = true; c.Response.StatusCode = 200; return Task.CompletedTask; }));
        await gate.InvokeAsync(context);

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(code is null, reached);
        if (code is not null)
        {
            Assert.Equal("application/problem+json", context.Response.ContentType);
            var problem = JsonNode.Parse(Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()))!;
            Assert.Equal(code, (string)problem["code"]!);
            Assert.Equal(status, (int)problem["status"]!);
            Assert.False(string.IsNullOrEmpty((string?)problem["requestId"]));
        }
    }

    private List<Case> Cases()
    {
        var deep = "{ player(nbaId: 201939) { " + string.Concat(Enumerable.Repeat("gameLog(last: 1) { player { ", 8)) + "name" + new string('}', 17) + " }";
        var aliases = "{ " + string.Join(' ', Enumerable.Range(0, 200).Select(i => $"a{i}: players(first: 100) {{ nodes {{ name team {{ name }} }} }}")) + " }";
        var expired = fixture.ShortLivedToken; // expired by the first case
        var foreign = fixture.Forge(fixture.PartnerToken, c => c["aud"] = "some-other-api");
        var parts = fixture.PartnerToken.Split('.');
        var tampered = parts[0] + "." + Base64Url(Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1]))).Replace("predictions.read", "models.admin")) + "." + parts[2];
        return
        [
            // First, while the short-lived token is still valid; it has expired when the case ends.
            new("token expiring mid-subscription", () => ExpireMidSubscriptionAsync(), 4403, Contains: "subscription ended"),

            // Transport: bodies, content types, methods, sizes
            new("malformed JSON", () => Send(HttpMethod.Post, "/graphql", Json("{\"query\": ")), 400, "INVALID_JSON"),
            new("JSON array body (batch)", () => Send(HttpMethod.Post, "/graphql", Json("[{\"query\":\"{ __typename }\"}]")), 400, "INVALID_REQUEST"),
            new("empty body", () => Send(HttpMethod.Post, "/graphql", Json(string.Empty)), 400, "EMPTY_BODY"),
            new("no query member", () => Send(HttpMethod.Post, "/graphql", Json("{\"variables\":{}}")), 400, "MISSING_QUERY"),
            new("query is a number", () => Send(HttpMethod.Post, "/graphql", Json("{\"query\": 42}")), 400, "INVALID_REQUEST"),
            new("variables is a string", () => Send(HttpMethod.Post, "/graphql", Json("{\"query\":\"{ __typename }\",\"variables\":\"x\"}")), 400, "INVALID_REQUEST"),
            new("text/plain body", () => Send(HttpMethod.Post, "/graphql", new StringContent("{ __typename }", Encoding.UTF8, "text/plain")), 415, "UNSUPPORTED_MEDIA_TYPE"),
            new("form body", () => Send(HttpMethod.Post, "/graphql", new FormUrlEncodedContent([new("query", "{ __typename }")])), 415, "UNSUPPORTED_MEDIA_TYPE"),
            new("latin-1 charset", () => Send(HttpMethod.Post, "/graphql", new StringContent("{\"query\":\"{ __typename }\"}", Encoding.Latin1, "application/json")), 415, "UNSUPPORTED_MEDIA_TYPE"),
            new("body over the GraphQL limit (300 KB)", () => Send(HttpMethod.Post, "/graphql", Json("{\"query\":\"{ __typename }\",\"x\":\"" + new string('a', 300_000) + "\"}")), 413, "REQUEST_TOO_LARGE"),
            new("body over the server limit (2 MB)", () => Send(HttpMethod.Post, "/graphql", Json("{\"query\":\"" + new string('a', 2_000_000) + "\"}")), 413),
            new("query text over 64 Ki characters", () => Post(new { query = "{ __typename " + new string(' ', 70_000) + "}" }), 400, "QUERY_TOO_LONG"),
            new("PUT /graphql", () => Send(HttpMethod.Put, "/graphql", Json("{\"query\":\"{ __typename }\"}")), 405, "METHOD_NOT_ALLOWED"),
            new("mutation over GET", () => Send(HttpMethod.Get, "/graphql?query=" + Uri.EscapeDataString("mutation { refreshPredictions(date: \"2023-10-24\") { date } }"), null), 405, "METHOD_NOT_ALLOWED"),
            new("Accept only text/csv", () => Send(HttpMethod.Post, "/graphql", Json("{\"query\":\"{ __typename }\"}"), accept: "text/csv"), 406, "NOT_ACCEPTABLE"),
            new("GraphQL syntax error", () => Post(new { query = "{ players { " }), 400, Contains: "syntax"),
            new("unknown field", () => Post(new { query = "{ passwords }" }), 400, Contains: "passwords"),
            new("GraphQL errors carry the request id", () => Post(new { query = "{ passwords }" }), 400, Contains: "\"requestId\""),
            new("CORS preflight from an unconfigured origin", () => PreflightAsync("https://evil.example"), 204, Contains: "no Access-Control-Allow-Origin"),
            new("CORS preflight from the configured origin (control)", () => PreflightAsync(SecurityFixture.AllowedOrigin), 204, Contains: "Access-Control-Allow-Origin present"),

            // Query limits, cursors, ids and injection-looking input
            new("deep query", () => Post(new { query = deep }), 400, Contains: "depth"),
            new("alias-amplified query", () => Post(new { query = aliases }), 400, Contains: "complex"),
            new("first over 100", () => Post(new { query = "{ players(first: 101) { totalCount } }" }), 200, "INVALID_PAGE_SIZE"),
            new("negative first", () => Post(new { query = "{ games(first: -5) { totalCount } }" }), 200, "INVALID_PAGE_SIZE"),
            new("garbage cursor", () => Post(new { query = "{ players(first: 5, after: \"!!not-a-cursor!!\") { totalCount } }" }), 200, "INVALID_CURSOR"),
            new("forged cursor pointing before the start", () => Post(new { query = "{ players(first: 5, after: \"" + Base64Url("cursor:-7") + "\") { totalCount } }" }), 200, "INVALID_CURSOR"),
            new("garbage global id", () => Post(new { query = "{ node(id: \"'; DROP TABLE players; --\") { id } }" }), 200, Contains: "global id"),
            new("unknown player id", () => Post(new { query = "{ player(nbaId: 2147483647) { name } }" }), 200, Contains: "\"player\":null"),
            new("variable of the wrong type", () => Post(new { query = "query($n: Int!) { player(nbaId: $n) { name } }", variables = new { n = "abc" } }), 400, "INVALID_VALUE"),
            new("SQL-looking search", () => Post(new { query = "{ players(search: \"'; DROP TABLE players; --\") { totalCount } }" }), 200, Contains: "\"totalCount\":0"),
            new("SQL-looking team filter", () => Post(new { query = "{ games(team: \"GSW' OR '1'='1\") { totalCount } }" }), 200),
            new("LIKE wildcards in search", () => Post(new { query = "{ players(search: \"%_%\") { totalCount } }" }), 200, Contains: "\"totalCount\":0"),

            // Anonymous callers: public data yes, everything else no
            new("anonymous players", () => Post(new { query = "{ players(first: 1) { totalCount } }" }), 200, Contains: "totalCount"),
            new("anonymous predictions", () => Post(new { query = "{ predictions(first: 1) { totalCount } }" }), 400, "AUTH_REQUIRED"),
            new("anonymous predictions nested in games", () => Post(new { query = "{ games(first: 1) { nodes { predictions { id } } } }" }), 400, "AUTH_REQUIRED"),
            new("anonymous mutation", () => Post(new { query = "mutation { refreshPredictions(date: \"2023-10-24\") { date } }" }), 400, "AUTH_REQUIRED"),
            new("anonymous models", () => Post(new { query = "{ models { version } }" }), 400, "AUTH_REQUIRED"),
            new("anonymous audit log", () => Post(new { query = "{ auditLog(first: 5) { totalCount } }" }), 400, "AUTH_REQUIRED"),

            new("anonymous REST players", () => Send(HttpMethod.Get, "/api/v1/players?limit=1", null, accept: "application/json"), 200, Contains: "totalCount"),
            new("anonymous REST predictions", () => Send(HttpMethod.Get, "/api/v1/predictions?limit=1", null, accept: "application/json"), 401, "AUTH_REQUIRED"),
            new("wrong-scope key on REST insight stats", () => Send(HttpMethod.Get, "/api/v1/insights/stats", null, accept: "application/json", apiKey: fixture.ReadOnlyKey), 403, "FORBIDDEN"),

            // Keys and tokens
            new("unknown API key", () => Post(new { query = "{ __typename }" }, apiKey: "nbp_" + new string('x', 43)), 401, "UNAUTHENTICATED"),
            new("revoked API key", () => Post(new { query = "{ __typename }" }, apiKey: fixture.RevokedKey), 401, "UNAUTHENTICATED"),
            new("wrong-scope key runs a mutation", () => Post(new { query = "mutation { refreshPredictions(date: \"2023-10-24\") { date } }" }, apiKey: fixture.ReadOnlyKey), 400, "FORBIDDEN"),
            new("wrong-scope key reads the audit log", () => Post(new { query = "{ auditLog(first: 5) { totalCount } }" }, apiKey: fixture.ReadOnlyKey), 400, "FORBIDDEN"),
            new("wrong-scope token promotes a model", () => Post(new { query = "mutation { promoteModel(version: \"v1\") { errors { code } } }" }, bearer: fixture.PartnerToken), 400, "FORBIDDEN"),
            new("expired token", () => Post(new { query = "{ __typename }" }, bearer: expired), 401, "UNAUTHENTICATED"),
            new("foreign-audience token", () => Post(new { query = "{ __typename }" }, bearer: foreign), 401, "UNAUTHENTICATED"),
            new("tampered token (scope rewritten)", () => Post(new { query = "{ __typename }" }, bearer: tampered), 401, "UNAUTHENTICATED"),
            new("garbage bearer token", () => Post(new { query = "{ __typename }" }, bearer: "abc.def"), 401, "UNAUTHENTICATED"),
            new("free-tier key over its rate limit", async () =>
            {
                Answer last = null!;
                for (var i = 0; i < 4; i++)
                {
                    last = await Post(new { query = "{ __typename }" }, apiKey: fixture.FreeKey);
                }

                return last with { Body = last.Body + (last.RetryAfter is null ? " (no Retry-After)" : " Retry-After") };
            }, 429, "RATE_LIMITED", "Retry-After"),

            // The token endpoint
            new("client secret wrong", () => Token(new() { ["grant_type"] = "client_credentials", ["client_id"] = fixture.PartnerClientId, ["client_secret"] = "guess" }), 401, Contains: "invalid_client"),
            new("scope beyond the client's grant", () => Token(new() { ["grant_type"] = "client_credentials", ["client_id"] = fixture.PartnerClientId, ["client_secret"] = fixture.PartnerSecret, ["scope"] = "models.admin" }), 400, Contains: "not allowed to use the specified scope"),
            new("password grant", () => Token(new() { ["grant_type"] = "password", ["username"] = "admin", ["password"] = "admin", ["client_id"] = fixture.PartnerClientId }), 400, Contains: "unsupported_grant_type"),
            new("reused authorization code", () => Task.FromResult(new Answer(fixture.ReusedCodeAnswer.Status, fixture.ReusedCodeAnswer.Body, "n/a", null)), 400, Contains: "invalid_grant"),
            new("token of a reused code is revoked", () => Post(new { query = "{ predictions(first: 1) { totalCount } }" }, bearer: fixture.TokenOfReusedCode), 401, "UNAUTHENTICATED"),
            new("authorize for an unknown client", () => Send(HttpMethod.Get, "/connect/authorize?client_id=evil&response_type=code&redirect_uri=https%3A%2F%2Fevil.example%2F&code_challenge=abc&code_challenge_method=S256", null), 400, Contains: "invalid_request"),

            // WebSocket
            new("subscription without a token", () => SubscribeAnonymouslyAsync(), 200, "AUTH_REQUIRED"),
            new("connection_init with a garbage token", () => InitAsync(new Dictionary<string, string> { ["Authorization"] = "Bearer abc.def" }), 4403),
            new("connection_init with a revoked key", () => InitAsync(new Dictionary<string, string> { ["X-Api-Key"] = fixture.RevokedKey }), 4403),
            new("connection_init with an expired token", () => InitAsync(new Dictionary<string, string> { ["Authorization"] = "Bearer " + expired }), 4403),
        ];
    }

    private async Task<Answer> Send(HttpMethod method, string path, HttpContent? content, string accept = GraphQLResponse, string? apiKey = null, string? bearer = null)
    {
        using var client = App.CreateAnonymousClient();
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Accept.ParseAdd(accept);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await client.SendAsync(request);
        return new Answer(
            (int)response.StatusCode,
            await response.Content.ReadAsStringAsync(),
            response.Headers.TryGetValues("X-Request-Id", out var ids) ? ids.First() : null,
            response.Headers.RetryAfter?.ToString());
    }

    private async Task<Answer> PreflightAsync(string origin)
    {
        using var client = App.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/graphql");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        using var response = await client.SendAsync(request);
        var allowed = response.Headers.Contains("Access-Control-Allow-Origin");
        return new Answer((int)response.StatusCode, allowed ? "Access-Control-Allow-Origin present" : "no Access-Control-Allow-Origin",
            response.Headers.TryGetValues("X-Request-Id", out var ids) ? ids.First() : null, null);
    }

    private Task<Answer> Post(object body, string? apiKey = null, string? bearer = null) =>
        Send(HttpMethod.Post, "/graphql", JsonContent.Create(body), apiKey: apiKey, bearer: bearer);

    private Task<Answer> Token(Dictionary<string, string> form) =>
        Send(HttpMethod.Post, "/connect/token", new FormUrlEncodedContent(form), accept: "application/json");

    private async Task<Answer> SubscribeAnonymouslyAsync()
    {
        using var socket = await GraphQLWebSocket.ConnectAnonymousAsync(App);
        await socket.SubscribeAsync("1", "subscription { predictionUpdated { id } }");
        var message = await socket.ReceiveAsync();
        return new Answer((string)message["type"]! == "error" ? 200 : 0, message.ToJsonString(), "ws", null);
    }

    private async Task<Answer> InitAsync(IReadOnlyDictionary<string, string> payload)
    {
        using var socket = await GraphQLWebSocket.OpenAsync(App);
        await socket.SendAsync(new { type = "connection_init", payload });
        return new Answer(await socket.ReceiveCloseAsync() ?? 0, string.Empty, "ws", null);
    }

    private async Task<Answer> ExpireMidSubscriptionAsync()
    {
        using var socket = await GraphQLWebSocket.ConnectAsync(App, new Dictionary<string, string> { ["Authorization"] = "Bearer " + fixture.ShortLivedToken });
        await socket.SubscribeAsync("1", "subscription { predictionUpdated { id } }");
        await GraphQLWebSocket.WaitForSubscriberAsync(App, NbaPredict.Core.Events.Topics.Predictions);
        var closed = await socket.ReceiveCloseAsync() ?? 0;
        var bus = (NbaPredict.Core.Events.EventBus)App.Services.GetRequiredService<NbaPredict.Core.Events.IEventBus>();
        var deadline = DateTime.UtcNow + GraphQLWebSocket.Patience;
        while (bus.SubscriberCount(NbaPredict.Core.Events.Topics.Predictions) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var ended = bus.SubscriberCount(NbaPredict.Core.Events.Topics.Predictions) == 0;
        return new Answer(closed, ended ? "subscription ended" : "subscription still running", "ws", null);
    }

    /// <summary>
    /// Every table but the audit log, row by row. API keys' last-used times are left out: they are bookkeeping the
    /// issue asks for, refreshed at most once a minute.
    /// </summary>
    private async Task<string> SnapshotAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NbaDbContext>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var snapshot = new StringBuilder();
        foreach (var table in tables.Where(t => t != "audit_log" && !t.StartsWith("sqlite_", StringComparison.Ordinal)))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var rows = 0;
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY 1";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (reader.GetName(i) != "last_used_at")
                    {
                        hash.AppendData(Encoding.UTF8.GetBytes(Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) + "\u001f"));
                    }
                }
            }

            snapshot.Append(table).Append(' ').Append(rows).Append(' ').AppendLine(Convert.ToHexString(hash.GetHashAndReset()));
        }

        return snapshot.ToString();
    }

    private async Task<int> AuditCountAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<NbaDbContext>().AuditEntries.CountAsync();
    }

    private static ByteArrayContent Json(string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static string Base64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - (s.Length % 4)) % 4);
    }

    private static string Shorten(string body) => body.Length <= 300 ? body : body[..300] + "…";
}
