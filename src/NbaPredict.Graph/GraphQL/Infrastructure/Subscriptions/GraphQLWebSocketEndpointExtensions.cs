using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;

/// <summary>Registration and mapping of the <c>graphql-transport-ws</c> WebSocket transport.</summary>
public static class GraphQLWebSocketEndpointExtensions
{
    /// <summary>
    /// Registers <see cref="GraphQLWebSocketOptions"/>, the default <see cref="IWebSocketAuthenticator"/> (allow all;
    /// register your own before or after to replace it) and the routing policy that lets
    /// <see cref="MapGraphQLWebSockets"/> share a route with <c>MapGraphQLHttp</c>.
    /// </summary>
    public static IServiceCollection AddGraphQLWebSockets(this IServiceCollection services, Action<GraphQLWebSocketOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<GraphQLWebSocketOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<IWebSocketAuthenticator, AllowAllWebSocketAuthenticator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, GraphQLWebSocketMatcherPolicy>());
        return services;
    }

    /// <summary>
    /// Maps <c>graphql-transport-ws</c> at <paramref name="pattern"/>. The endpoint only matches WebSocket upgrade
    /// requests, so it can sit on the same route as <c>MapGraphQLHttp</c> (which keeps serving GET and POST).
    /// Needs <see cref="AddGraphQLWebSockets"/>; <c>UseWebSockets</c> is applied to this endpoint itself.
    /// </summary>
    public static IEndpointConventionBuilder MapGraphQLWebSockets(this IEndpointRouteBuilder endpoints, string pattern = "/graphql")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (!endpoints.ServiceProvider.GetServices<MatcherPolicy>().OfType<GraphQLWebSocketMatcherPolicy>().Any())
        {
            throw new InvalidOperationException("Call services.AddGraphQLWebSockets() before mapping the GraphQL WebSocket endpoint.");
        }

        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<GraphQLWebSocketOptions>>().Value;
        var handler = new GraphQLWebSocketHandler(options);
        var pipeline = endpoints.CreateApplicationBuilder()
            .UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.KeepAliveInterval });
        pipeline.Run(handler.HandleAsync);
        var builder = endpoints.Map(pattern, pipeline.Build())
            .WithDisplayName("GraphQL over WebSocket " + pattern)
            .WithMetadata(GraphQLWebSocketEndpointMetadata.Instance);
        // Ahead of an HTTP endpoint on the same route; the matcher policy drops it for non-WebSocket requests.
        builder.Add(b => ((RouteEndpointBuilder)b).Order = -1);
        return builder;
    }

    /// <summary>
    /// Middleware form: WebSocket upgrade requests to exactly <paramref name="path"/> are served as
    /// <c>graphql-transport-ws</c>; everything else goes to the next component.
    /// </summary>
    public static IApplicationBuilder UseGraphQLWebSockets(this IApplicationBuilder app, string path = "/graphql")
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var options = app.ApplicationServices.GetService<IOptions<GraphQLWebSocketOptions>>()?.Value ?? new GraphQLWebSocketOptions();
        var handler = new GraphQLWebSocketHandler(options);
        var route = new PathString(path);
        return app.UseWhen(
            context => context.Request.Path.Equals(route, StringComparison.OrdinalIgnoreCase) && IsWebSocketUpgrade(context),
            branch => branch
                .UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.KeepAliveInterval })
                .Run(handler.HandleAsync));
    }

    /// <summary>True for an HTTP/1.1 <c>Upgrade: websocket</c> or HTTP/2+ extended CONNECT websocket request.</summary>
    internal static bool IsWebSocketUpgrade(HttpContext context)
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            return true;
        }

        if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            return string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase);
        }

        return HttpMethods.IsGet(context.Request.Method)
            && context.Request.Headers.Upgrade.Any(v => v is not null && v.Contains("websocket", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>Marks the WebSocket endpoint for <see cref="GraphQLWebSocketMatcherPolicy"/>.</summary>
internal sealed class GraphQLWebSocketEndpointMetadata
{
    public static readonly GraphQLWebSocketEndpointMetadata Instance = new();
}

/// <summary>Rules the WebSocket endpoint out for requests that are not WebSocket upgrades.</summary>
internal sealed class GraphQLWebSocketMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(e => e.Metadata.GetMetadata<GraphQLWebSocketEndpointMetadata>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        if (GraphQLWebSocketEndpointExtensions.IsWebSocketUpgrade(httpContext))
        {
            return Task.CompletedTask;
        }

        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && candidates[i].Endpoint.Metadata.GetMetadata<GraphQLWebSocketEndpointMetadata>() is not null)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}
