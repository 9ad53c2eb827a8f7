using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace NbaPredict.Graph.GraphQL.Infrastructure;

/// <summary>Maps the GraphQL-over-HTTP handler.</summary>
public static class GraphQLHttpEndpointExtensions
{
    /// <summary>
    /// Maps GraphQL over HTTP (GET and POST; other methods get 405) at <paramref name="pattern"/>, configured by
    /// <see cref="GraphQLHttpOptions"/> from DI. A browser navigation (GET accepting <c>text/html</c> without a
    /// <c>query</c> parameter) is not executed: it goes to <see cref="GraphQLHttpOptions.HtmlPageHandler"/>, or gets 404.
    /// Returns the endpoint's convention builder, e.g. for <c>.RequireAuthorization()</c> or <c>.RequireCors(...)</c>.
    /// </summary>
    public static IEndpointConventionBuilder MapGraphQLHttp(this IEndpointRouteBuilder endpoints, string pattern = "/graphql")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var options = endpoints.ServiceProvider.GetService<IOptions<GraphQLHttpOptions>>()?.Value ?? new GraphQLHttpOptions();
        var handler = new GraphQLHttpHandler(options);
        return endpoints
            .Map(pattern, context => handler.HandleAsync(context, htmlFallback: null))
            .WithDisplayName("GraphQL over HTTP " + pattern);
    }

    /// <summary>
    /// Middleware form of <see cref="MapGraphQLHttp"/>: serves GraphQL at exactly <paramref name="path"/> and
    /// calls the next component for every other path and for browser navigations to <paramref name="path"/>,
    /// so an IDE page can be served there by later middleware or an endpoint.
    /// </summary>
    public static IApplicationBuilder UseGraphQLHttp(this IApplicationBuilder app, string path = "/graphql")
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var options = app.ApplicationServices.GetService<IOptions<GraphQLHttpOptions>>()?.Value ?? new GraphQLHttpOptions();
        var handler = new GraphQLHttpHandler(options);
        var route = new PathString(path);
        return app.Use(next => context =>
            context.Request.Path.Equals(route, StringComparison.OrdinalIgnoreCase)
                ? handler.HandleAsync(context, htmlFallback: next)
                : next(context));
    }
}
