using System.Globalization;
using GraphQL;
using GraphQL.Types;
using NbaPredict.Core.Features.Games;
using NbaPredict.Core.Features.Players;
using NbaPredict.Core.Features.Teams;

namespace NbaPredict.Graph.GraphQL.Schema;

/// <summary>Relay's <c>Node</c>: anything with a global id can be refetched with <c>node(id:)</c>.</summary>
public sealed class NodeInterface : InterfaceGraphType
{
    public NodeInterface()
    {
        Name = "Node";
        Description = "An object with a global id, refetchable through node(id:).";
        Field<NonNullGraphType<IdGraphType>>("id").Description("Opaque global id.");
    }
}

public static class NodeQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NodeInterface>("node")
            .Description("Refetch any object by its global id; null when nothing has that id.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c => await ResolveAsync(c, c.GetArgument<string>("id")));
    }

    private static async Task<object?> ResolveAsync(IResolveFieldContext context, string id)
    {
        if (!GlobalId.TryDecode(id, out var type, out var key))
        {
            throw new ExecutionError($"'{Shorten(id)}' is not a global id; use the id field of a Player, Team or Game") { Code = "INVALID_ID" };
        }

        var ct = context.CancellationToken;
        return type switch
        {
            "Player" when int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var nbaId) =>
                await context.Service<PlayerService>().GetAsync(nbaId, ct),
            "Game" => await context.Service<GameService>().GetAsync(key, ct),
            "Team" => await context.Service<TeamService>().GetByAbbreviationAsync(key, ct),
            "Experiment" when int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var experimentId) =>
                await context.Service<NbaPredict.Core.Features.Experiments.ExperimentService>().GetAsync(experimentId, ct),
            _ => throw new ExecutionError($"'{Shorten(id)}' is not a global id; use the id field of a Player, Team or Game") { Code = "INVALID_ID" },
        };
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
