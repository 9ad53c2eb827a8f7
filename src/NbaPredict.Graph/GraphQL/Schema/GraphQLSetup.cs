using GraphQL;
using NbaPredict.Graph.GraphQL.Infrastructure;
using NbaPredict.Graph.Features.Games;
using NbaPredict.Graph.Features.Players;
using NbaPredict.Graph.Features.Teams;

namespace NbaPredict.Graph.GraphQL.Schema;

public static class GraphQLSetup
{
    public static IServiceCollection AddNbaGraphQL(this IServiceCollection services)
    {
        services.AddGraphQL(b => b
            .AddSchema<NbaSchema>()
            .AddSystemTextJson()
            .UseMiddleware<DomainErrorMiddleware>()
            .AddGraphTypes(typeof(NbaSchema).Assembly));
        services.AddGraphQLInfrastructure();
        return services;
    }
}
