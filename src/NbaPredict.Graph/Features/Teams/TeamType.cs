using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Federation;
using GraphQL.Types;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Teams;
using NbaPredict.Graph.GraphQL.Infrastructure;
using NbaPredict.Graph.GraphQL.Schema;

namespace NbaPredict.Graph.Features.Teams;

public sealed class TeamType : ObjectGraphType<Team>
{
    public TeamType()
    {
        Name = "Team";
        Description = "An NBA franchise.";
        Interface<NodeInterface>();
        this.Key("abbreviation");
        this.ResolveReference<TeamReference, Team>(async (c, reference) => await c.Service<TeamService>().GetByAbbreviationAsync(reference.Abbreviation, c.CancellationToken));
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode("Team", c.Source.Abbreviation));
        Field("nbaTeamId", t => t.Id).Description("NBA.com team id.");
        Field(t => t.Abbreviation).Description("NBA.com tricode such as BOS or GSW.");
        Field(t => t.Name).Description("Nickname, e.g. Celtics.");
        Field(t => t.City);
        Field(t => t.Conference);
    }
}

/// <summary>The representation a federation gateway sends for a Team: its key.</summary>
public sealed class TeamReference
{
    public string Abbreviation { get; set; } = string.Empty;
}

internal static class TeamLoader
{
    /// <summary>Teams referenced anywhere in one request are fetched together.</summary>
    public static IDataLoaderResult<Team?> LoadTeam(this IResolveFieldContext context, int? teamId)
    {
        if (teamId is null)
        {
            return new CompletedDataLoaderResult<Team?>(null);
        }

        var service = context.Service<TeamService>();
        return context.Loaders()
            .GetOrAddBatchLoader<int, Team>("teams", service.GetManyAsync)
            .LoadAsync(teamId.Value);
    }
}

public static class TeamQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<TeamType>>>>("teams")
            .Description("All 30 NBA teams, by abbreviation.")
            .ResolveAsync(async c => await c.Service<TeamService>().ListAsync(c.CancellationToken));

        query.Field<TeamType>("team")
            .Description("One team by its abbreviation (e.g. BOS).")
            .Argument<NonNullGraphType<StringGraphType>>("abbreviation")
            .ResolveAsync(async c => await c.Service<TeamService>().GetByAbbreviationAsync(c.GetArgument<string>("abbreviation"), c.CancellationToken));
    }
}
