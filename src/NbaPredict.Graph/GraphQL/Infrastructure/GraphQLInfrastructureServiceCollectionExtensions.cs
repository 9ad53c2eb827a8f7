using GraphQL.DI;
using GraphQL.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace NbaPredict.Graph.GraphQL.Infrastructure;

/// <summary>DI registration of the GraphQL HTTP handler's options, the parsed-document cache and the data loaders.</summary>
public static class GraphQLInfrastructureServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="GraphQLHttpOptions"/>, <see cref="ParsedDocumentCache"/> (hooked into every
    /// <c>IDocumentExecuter</c> run as an <see cref="IConfigureExecution"/>) and the scoped <see cref="DataLoaderContext"/>.
    /// Call it next to GraphQL.NET's own <c>services.AddGraphQL(b => b.AddSchema&lt;...&gt;().AddSystemTextJson())</c>,
    /// which provides the schema, executer and serializer; the order of the two calls does not matter.
    /// </summary>
    public static IServiceCollection AddGraphQLInfrastructure(
        this IServiceCollection services,
        Action<GraphQLHttpOptions>? configureHttp = null,
        Action<ParsedDocumentCacheOptions>? configureDocumentCache = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var http = services.AddOptions<GraphQLHttpOptions>();
        if (configureHttp is not null)
        {
            http.Configure(configureHttp);
        }

        var cache = services.AddOptions<ParsedDocumentCacheOptions>();
        if (configureDocumentCache is not null)
        {
            cache.Configure(configureDocumentCache);
        }

        services.TryAddSingleton<IDocumentBuilder, GraphQLDocumentBuilder>();
        services.TryAddSingleton<ParsedDocumentCache>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureExecution, ParsedDocumentCacheExecution>());
        services.TryAddScoped<DataLoaderContext>();
        services.AddOptions<PersistedQueryOptions>();
        services.TryAddSingleton<PersistedQueryStore>();
        return services;
    }
}
