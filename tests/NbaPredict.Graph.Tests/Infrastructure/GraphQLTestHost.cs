using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GraphQL;
using GraphQL.DI;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NbaPredict.Graph.GraphQL.Infrastructure;

namespace NbaPredict.Graph.Tests.Infrastructure;

/// <summary>A minimal ASP.NET Core app on TestServer serving <see cref="TestSchema"/> through the handler under test.</summary>
internal sealed class GraphQLTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GraphQLTestHost(WebApplication app, CapturingLoggerProvider logs)
    {
        _app = app;
        Logs = logs;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public CapturingLoggerProvider Logs { get; }

    public ChildStore Store => Services.GetRequiredService<ChildStore>();

    public static async Task<GraphQLTestHost> StartAsync(
        Action<GraphQLHttpOptions>? configureHttp = null,
        Action<IServiceCollection>? configureServices = null,
        Action<IGraphQLBuilder>? configureGraphQL = null,
        Action<WebApplication>? configureApp = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);

        var services = builder.Services;
        services.AddSingleton<ChildStore>();
        services.AddTransient<ChildType>();
        services.AddTransient<ItemType>();
        services.AddTransient<TestQuery>();
        services.AddTransient<TestMutation>();
        services.AddGraphQL(b =>
        {
            b.AddSchema<TestSchema>().AddSystemTextJson();
            configureGraphQL?.Invoke(b);
        });
        services.AddGraphQLInfrastructure(configureHttp);
        configureServices?.Invoke(services);

        var app = builder.Build();
        if (configureApp is null)
        {
            app.MapGraphQLHttp();
        }
        else
        {
            configureApp(app);
        }

        await app.StartAsync();
        return new GraphQLTestHost(app, logs);
    }

    public async Task<GraphQLHttpResponse> PostAsync(string json, string? accept = null, string? contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return await SendAsync(request, accept);
    }

    public Task<GraphQLHttpResponse> PostQueryAsync(string query, object? variables = null, string? operationName = null, string? accept = null) =>
        PostAsync(JsonSerializer.Serialize(new { query, variables, operationName }), accept);

    public async Task<GraphQLHttpResponse> GetAsync(string pathAndQuery, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        return await SendAsync(request, accept);
    }

    public async Task<GraphQLHttpResponse> SendAsync(HttpRequestMessage request, string? accept)
    {
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new GraphQLHttpResponse(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            response.Content.Headers.Allow.Count > 0 ? string.Join(", ", response.Content.Headers.Allow) : null,
            body);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}

/// <summary>Status, media type, Allow header and body of one response, with helpers to read the GraphQL JSON.</summary>
internal sealed record GraphQLHttpResponse(int Status, string? MediaType, string? Allow, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public bool HasData => Json.TryGetProperty("data", out _);

    public JsonElement Data => Json.GetProperty("data");

    public JsonElement[] Errors =>
        Json.TryGetProperty("errors", out var errors) ? [.. errors.EnumerateArray()] : [];

    public string? FirstErrorCode =>
        Errors.Length > 0 && Errors[0].TryGetProperty("extensions", out var ext) && ext.TryGetProperty("code", out var code)
            ? code.GetString()
            : null;

    public override string ToString() => $"{Status} {MediaType} {Body}";
}

/// <summary>Keeps every log entry so tests can see what was logged (and with which exception).</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(_entries);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(LogLevel, string, Exception?)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue((logLevel, formatter(state, exception), exception));
            }
        }
    }
}
