using GraphQL;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NbaPredict.Core.Events;
using NbaPredict.Graph.GraphQL.Infrastructure;
using NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;

namespace NbaPredict.Graph.Tests.Subscriptions;

/// <summary>A Kestrel app on 127.0.0.1:&lt;free port&gt; serving the subscription test schema over HTTP and WebSocket at /graphql.</summary>
internal sealed class SubscriptionTestHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private SubscriptionTestHost(WebApplication app, Uri httpBase)
    {
        this.app = app;
        HttpBase = httpBase;
        WebSocketUri = new UriBuilder(httpBase) { Scheme = httpBase.Scheme == "https" ? "wss" : "ws", Path = "/graphql" }.Uri;
        Http = new HttpClient { BaseAddress = httpBase };
    }

    public Uri HttpBase { get; }

    public Uri WebSocketUri { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => app.Services;

    public EventBus Bus => (EventBus)Services.GetRequiredService<IEventBus>();

    public static async Task<SubscriptionTestHost> StartAsync(
        Action<GraphQLWebSocketOptions>? configure = null,
        Action<IServiceCollection>? configureServices = null,
        string? redis = null,
        bool middleware = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (redis is not null)
        {
            builder.Configuration["ConnectionStrings:Redis"] = redis;
        }

        var services = builder.Services;
        services.AddTransient<TickType>();
        services.AddTransient<SubscriptionTestQuery>();
        services.AddTransient<SubscriptionTestMutation>();
        services.AddTransient<SubscriptionTestSubscription>();
        services.AddScoped<ScopeMarker>();
        services.AddGraphQL(b => b.AddSchema<SubscriptionTestSchema>().AddSystemTextJson().AddScopedSubscriptionExecutionStrategy());
        services.AddGraphQLInfrastructure();
        services.AddGraphQLWebSockets(configure);
        services.AddNbaEvents();
        configureServices?.Invoke(services);

        var app = builder.Build();
        if (middleware)
        {
            app.UseGraphQLWebSockets("/graphql");
        }
        else
        {
            app.MapGraphQLWebSockets("/graphql");
        }

        app.MapGraphQLHttp("/graphql");
        await app.StartAsync();
        return new SubscriptionTestHost(app, new Uri(app.Urls.First()));
    }

    public async Task<GraphQLWsClient> ConnectAsync(string? subProtocol = GraphQLWebSocketOptions.SubProtocol)
    {
        return await GraphQLWsClient.ConnectAsync(WebSocketUri, subProtocol);
    }

    public Task StopAsync() => app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
