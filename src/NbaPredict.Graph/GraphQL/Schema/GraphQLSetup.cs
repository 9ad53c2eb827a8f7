using GraphQL;
using NbaPredict.Graph.GraphQL.Infrastructure;
using NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;
using NbaPredict.Graph.Features.Games;
using NbaPredict.Graph.Features.Players;
using NbaPredict.Graph.Features.Teams;

namespace NbaPredict.Graph.GraphQL.Schema;

public static class QueryLimits
{
    // 15 leaves room for the standard introspection query (13 levels), which IDEs and code generators send.
    public const int MaxDepth = 15;
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
                // Introspection reads the in-memory schema, so it costs nothing; IDEs and code generators need it.
                var defaultImpact = o.DefaultComplexityImpactDelegate;
                o.DefaultComplexityImpactDelegate = context =>
                    context.FieldDefinition.Name.StartsWith("__", StringComparison.Ordinal) || context.ParentType.Name.StartsWith("__", StringComparison.Ordinal)
                        ? new global::GraphQL.Validation.Complexity.FieldComplexityResult(0, 1)
                        : defaultImpact(context);
            })
            .AddGraphTypes(typeof(NbaSchema).Assembly));
        services.AddGraphQLInfrastructure();
        services.AddGraphQLWebSockets();
        return services;
    }
}
