using GraphQL;
using NbaPredict.Graph.GraphQL.Infrastructure;
using NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;
using NbaPredict.Graph.Features.Games;
using NbaPredict.Graph.Features.Players;
using NbaPredict.Graph.Features.Teams;

namespace NbaPredict.Graph.GraphQL.Schema;

public static class QueryLimits
{
    public const int MaxDepth = 12;
    public const int MaxComplexity = 20_000;
}

public static class GraphQLSetup
{
    public static IServiceCollection AddNbaGraphQL(this IServiceCollection services)
    {
        services.AddGraphQL(b => b
            .AddSchema<NbaSchema>()
            .AddSystemTextJson()
            .AddScopedSubscriptionExecutionStrategy()
            .UseMiddleware<DomainErrorMiddleware>()
            .AddFederation("2.3")
            .AddComplexityAnalyzer(o =>
            {
                // Tuned so the documented queries and the dashboard pass with room to spare (see GraphQLLimitsTests)
                // while deep nesting, alias floods and nested large pages are refused before execution.
                o.MaxDepth = QueryLimits.MaxDepth;
                o.MaxComplexity = QueryLimits.MaxComplexity;
            })
            .AddGraphTypes(typeof(NbaSchema).Assembly));
        services.AddGraphQLInfrastructure();
        services.AddGraphQLWebSockets();
        return services;
    }
}
