using System.Text;
using Xunit;

namespace NbaPredict.Graph.Tests.Infrastructure;

/// <summary>One shared host for the table-driven status code tests.</summary>
public sealed class GraphQLHttpHostFixture : IAsyncLifetime
{
    private GraphQLTestHost? _host;

    internal GraphQLTestHost Host => _host ?? throw new InvalidOperationException("Fixture not initialized.");

    public async Task InitializeAsync() => _host = await GraphQLTestHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

public sealed class GraphQLHttpStatusCodeTests(GraphQLHttpHostFixture fixture) : IClassFixture<GraphQLHttpHostFixture>
{
    private const string Grj = "application/graphql-response+json";
    private const string Json = "application/json";

    /// <summary>
    /// A request and what must come back. <c>Body</c> null means GET; <c>HasData</c> null means "don't care";
    /// <c>Code</c> is the first error's <c>extensions.code</c>, <c>Message</c> a substring of its message.
    /// </summary>
    private sealed record Case(
        string Method,
        string Url,
        string? Body,
        string? Accept,
        int Status,
        string? MediaType,
        bool? HasData = null,
        string? Code = null,
        string? Message = null,
        string? ContentType = "application/json",
        string? Allow = null);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Successful requests and media type negotiation.
        ["post, accept graphql-response+json → 200"] = new("POST", "/graphql", """{"query":"{ hello }"}""", Grj, 200, Grj, HasData: true),
        ["post, accept json → 200 json"] = new("POST", "/graphql", """{"query":"{ hello }"}""", Json, 200, Json, HasData: true),
        ["post, no accept → graphql-response+json"] = new("POST", "/graphql", """{"query":"{ hello }"}""", null, 200, Grj, HasData: true),
        ["post, accept */* → graphql-response+json"] = new("POST", "/graphql", """{"query":"{ hello }"}""", "*/*", 200, Grj, HasData: true),
        ["post, explicit json beats */*"] = new("POST", "/graphql", """{"query":"{ hello }"}""", "application/json, */*", 200, Json, HasData: true),
        ["post, both named → graphql-response+json"] = new("POST", "/graphql", """{"query":"{ hello }"}""", $"{Json}, {Grj}", 200, Grj, HasData: true),
        ["post, json preferred by q"] = new("POST", "/graphql", """{"query":"{ hello }"}""", $"{Grj};q=0.5, {Json}", 200, Json, HasData: true),
        ["post, charset utf-8 content type"] = new("POST", "/graphql", """{"query":"{ hello }"}""", Grj, 200, Grj, HasData: true, ContentType: "application/json; charset=utf-8"),
        ["post, mutation → 200"] = new("POST", "/graphql", """{"query":"mutation { setGreeting(text: \"hi\") }"}""", Grj, 200, Grj, HasData: true),
        ["post, extra members ignored"] = new("POST", "/graphql", """{"query":"{ hello }","operationName":null,"variables":null,"extensions":{"x":1},"other":true}""", Grj, 200, Grj, HasData: true),
        ["get, query → 200"] = new("GET", "/graphql?query=%7B%20hello%20%7D", null, Grj, 200, Grj, HasData: true),
        ["get, variables → 200"] = new("GET", "/graphql?query=query(%24n%3AString)%7Bhello(name%3A%24n)%7D&variables=%7B%22n%22%3A%22Bo%22%7D", null, Json, 200, Json, HasData: true),
        ["get, mutation allowed as POST only → 405"] = new("GET", "/graphql?query=mutation%20%7B%20setGreeting(text%3A%20%22x%22)%20%7D", null, Grj, 405, Grj, HasData: false, Code: "METHOD_NOT_ALLOWED", Allow: "POST"),
        ["get, named mutation selected → 405"] = new("GET", "/graphql?query=query%20Q%7Bhello%7D%20mutation%20M%7BsetGreeting(text%3A%22x%22)%7D&operationName=M", null, Json, 405, Json, HasData: false, Code: "METHOD_NOT_ALLOWED", Allow: "POST"),
        ["get, named query beside mutation → 200"] = new("GET", "/graphql?query=query%20Q%7Bhello%7D%20mutation%20M%7BsetGreeting(text%3A%22x%22)%7D&operationName=Q", null, Json, 200, Json, HasData: true),

        // HTTP-level rejections: same status for both media types.
        ["accept text/plain → 406"] = new("POST", "/graphql", """{"query":"{ hello }"}""", "text/plain", 406, Json, HasData: false, Code: "NOT_ACCEPTABLE"),
        ["accept json with latin1 charset → 406"] = new("POST", "/graphql", """{"query":"{ hello }"}""", "application/json; charset=iso-8859-1", 406, Json, Code: "NOT_ACCEPTABLE"),
        ["put → 405"] = new("PUT", "/graphql", """{"query":"{ hello }"}""", Grj, 405, Json, HasData: false, Code: "METHOD_NOT_ALLOWED", Allow: "GET, POST"),
        ["delete → 405"] = new("DELETE", "/graphql", null, Grj, 405, Json, Code: "METHOD_NOT_ALLOWED", Allow: "GET, POST"),
        ["post text/plain → 415"] = new("POST", "/graphql", """{"query":"{ hello }"}""", Grj, 415, Grj, HasData: false, Code: "UNSUPPORTED_MEDIA_TYPE", ContentType: "text/plain"),
        ["post form → 415"] = new("POST", "/graphql", "query=%7Bhello%7D", Json, 415, Json, Code: "UNSUPPORTED_MEDIA_TYPE", ContentType: "application/x-www-form-urlencoded"),
        ["post without content type → 415"] = new("POST", "/graphql", """{"query":"{ hello }"}""", Grj, 415, Grj, Code: "UNSUPPORTED_MEDIA_TYPE", Message: "Content-Type", ContentType: null),
        ["post latin1 body → 415"] = new("POST", "/graphql", """{"query":"{ hello }"}""", Grj, 415, Grj, Code: "UNSUPPORTED_MEDIA_TYPE", ContentType: "application/json; charset=iso-8859-1"),
        ["post body too large → 413"] = new("POST", "/graphql", $$"""{"query":"{ hello }","pad":"{{new string('x', 300 * 1024)}}"}""", Grj, 413, Grj, HasData: false, Code: "REQUEST_TOO_LARGE"),
        ["post invalid json → 400"] = new("POST", "/graphql", """{"query": """, Grj, 400, Grj, HasData: false, Code: "INVALID_JSON", Message: "(line 1, byte"),
        ["post invalid json, json → 400"] = new("POST", "/graphql", """{"query": "{ hello }" oops}""", Json, 400, Json, HasData: false, Code: "INVALID_JSON", Message: "not valid JSON"),
        ["post empty body → 400"] = new("POST", "/graphql", "", Json, 400, Json, Code: "EMPTY_BODY"),
        ["post array body → 400"] = new("POST", "/graphql", """[{"query":"{ hello }"}]""", Json, 400, Json, Code: "INVALID_REQUEST", Message: "must be a JSON object"),
        ["post missing query → 400"] = new("POST", "/graphql", """{"variables":{}}""", Grj, 400, Grj, HasData: false, Code: "MISSING_QUERY"),
        ["post missing query, json → 400"] = new("POST", "/graphql", """{"query":null}""", Json, 400, Json, HasData: false, Code: "MISSING_QUERY"),
        ["post query not a string, json → 400"] = new("POST", "/graphql", """{"query":42}""", Json, 400, Json, Code: "INVALID_REQUEST", Message: "'query' must be a string"),
        ["post operationName not a string → 400"] = new("POST", "/graphql", """{"query":"{ hello }","operationName":1}""", Json, 400, Json, Code: "INVALID_REQUEST", Message: "'operationName'"),
        ["post variables not an object, json → 400"] = new("POST", "/graphql", """{"query":"{ hello }","variables":"{}"}""", Json, 400, Json, Code: "INVALID_REQUEST", Message: "'variables' must be a JSON object"),
        ["post extensions not an object → 400"] = new("POST", "/graphql", """{"query":"{ hello }","extensions":[1]}""", Grj, 400, Grj, Code: "INVALID_REQUEST", Message: "'extensions'"),
        ["post query too long → 400"] = new("POST", "/graphql", $$"""{"query":"{ hello }{{new string(' ', 70 * 1024)}}"}""", Grj, 400, Grj, Code: "QUERY_TOO_LONG"),
        ["get without query → 400"] = new("GET", "/graphql", null, Json, 400, Json, HasData: false, Code: "MISSING_QUERY"),
        ["get variables invalid json → 400"] = new("GET", "/graphql?query=%7Bhello%7D&variables=%7Boops", null, Grj, 400, Grj, Code: "INVALID_JSON", Message: "'variables' query parameter"),
        ["get variables invalid json, json → 400"] = new("GET", "/graphql?query=%7Bhello%7D&variables=%7Boops", null, Json, 400, Json, Code: "INVALID_JSON"),
        ["get variables not an object → 400"] = new("GET", "/graphql?query=%7Bhello%7D&variables=%5B1%5D", null, Json, 400, Json, Code: "INVALID_REQUEST"),
        ["get query twice → 400"] = new("GET", "/graphql?query=%7Bhello%7D&query=%7Bhello%7D", null, Json, 400, Json, Code: "INVALID_REQUEST", Message: "at most once"),

        // GraphQL request errors: 400 with graphql-response+json, 200 with json; never a data entry.
        ["syntax error → 400"] = new("POST", "/graphql", """{"query":"{ hello "}""", Grj, 400, Grj, HasData: false, Code: "SYNTAX_ERROR"),
        ["syntax error, json → 200"] = new("POST", "/graphql", """{"query":"{ hello "}""", Json, 200, Json, HasData: false, Code: "SYNTAX_ERROR"),
        ["get syntax error → 400"] = new("GET", "/graphql?query=%7Bhello", null, Grj, 400, Grj, HasData: false, Code: "SYNTAX_ERROR"),
        ["validation error → 400"] = new("POST", "/graphql", """{"query":"{ nope }"}""", Grj, 400, Grj, HasData: false, Message: "nope"),
        ["validation error, json → 200"] = new("POST", "/graphql", """{"query":"{ nope }"}""", Json, 200, Json, HasData: false, Message: "nope"),
        ["invalid variable value → 400"] = new("POST", "/graphql", """{"query":"query($c: Int) { items(count: $c) { id } }","variables":{"c":"abc"}}""", Grj, 400, Grj, HasData: false, Message: "$c"),
        ["invalid variable value, json → 200"] = new("POST", "/graphql", """{"query":"query($c: Int) { items(count: $c) { id } }","variables":{"c":"abc"}}""", Json, 200, Json, HasData: false, Message: "$c"),
        ["missing required variable → 400"] = new("POST", "/graphql", """{"query":"query($t: String!) { hello(name: $t) }"}""", Grj, 400, Grj, HasData: false),
        ["unknown operationName → 400"] = new("POST", "/graphql", """{"query":"query A { hello }","operationName":"B"}""", Grj, 400, Grj, HasData: false, Message: "B"),
        ["unknown operationName, json → 200"] = new("POST", "/graphql", """{"query":"query A { hello }","operationName":"B"}""", Json, 200, Json, HasData: false, Message: "B"),
        ["several operations, no name → 400"] = new("POST", "/graphql", """{"query":"query A { hello } query B { hello }"}""", Grj, 400, Grj, HasData: false),

        // Executed requests: 200 even with field errors and partial data.
        ["field error with partial data → 200"] = new("POST", "/graphql", """{"query":"{ hello deliberate }"}""", Grj, 200, Grj, HasData: true, Code: "FORBIDDEN", Message: "You may not see this field."),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Responds_per_spec(string name)
    {
        var c = Cases[name];
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Url);
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(c.Body));
            if (c.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
            }
        }

        var response = await fixture.Host.SendAsync(request, c.Accept);

        Assert.True(c.Status == response.Status, $"expected {c.Status}, got {response}");
        Assert.Equal(c.MediaType, response.MediaType);
        if (c.HasData is { } hasData)
        {
            Assert.True(hasData == response.HasData, $"data entry expected: {hasData}; got {response.Body}");
        }

        if (c.Status != 200 || c.Code is not null || c.Message is not null)
        {
            Assert.NotEmpty(response.Errors);
        }

        if (c.Code is not null)
        {
            Assert.Equal(c.Code, response.FirstErrorCode);
        }

        if (c.Message is not null)
        {
            Assert.Contains(c.Message, response.Errors[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        if (c.Allow is not null)
        {
            Assert.Equal(c.Allow, response.Allow);
        }
    }

    [Fact]
    public async Task Successful_query_returns_data()
    {
        var response = await fixture.Host.PostQueryAsync("query($n: String) { hello(name: $n) }", new { n = "Ann" });

        Assert.Equal(200, response.Status);
        Assert.Equal("Hello, Ann", response.Data.GetProperty("hello").GetString());
        Assert.Empty(response.Errors);
    }

    [Fact]
    public async Task Body_too_large_without_content_length_is_rejected_while_reading()
    {
        var body = $$"""{"query":"{ hello }","pad":"{{new string('x', 300 * 1024)}}"}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TransferEncodingChunked = true;

        var response = await fixture.Host.SendAsync(request, Grj);

        Assert.Equal(413, response.Status);
        Assert.Equal("REQUEST_TOO_LARGE", response.FirstErrorCode);
    }

    [Fact]
    public async Task Html_navigation_is_not_handled()
    {
        var response = await fixture.Host.GetAsync("/graphql", "text/html,application/xhtml+xml,*/*;q=0.8");

        Assert.Equal(404, response.Status);
        Assert.Equal(string.Empty, response.Body);
    }

    [Fact]
    public async Task Html_accepting_request_with_query_is_executed()
    {
        var response = await fixture.Host.GetAsync("/graphql?query=%7Bhello%7D", "text/html,*/*;q=0.8");

        Assert.Equal(200, response.Status);
        Assert.Equal(Grj, response.MediaType);
        Assert.Equal("Hello, world", response.Data.GetProperty("hello").GetString());
    }
}
