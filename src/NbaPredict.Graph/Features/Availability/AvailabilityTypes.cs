using GraphQL;
using GraphQL.Types;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Availability;
using NbaPredict.Graph.Features.Games;
using NbaPredict.Graph.Features.Players;
using NbaPredict.Graph.Features.Predictions;
using NbaPredict.Graph.Features.Teams;
using NbaPredict.Graph.GraphQL.Infrastructure;
using NbaPredict.Graph.GraphQL.Schema;
using NbaPredict.Graph.Security;

namespace NbaPredict.Graph.Features.Availability;

public sealed class AvailabilityReportType : ObjectGraphType<AvailabilityView>
{
    public AvailabilityReportType()
    {
        Name = "AvailabilityReport";
        Description = "A team's injury report for a game not yet played: the players known to miss it. The game's predictions use it.";
        Field<NonNullGraphType<GameType>>("game").Resolve(c => PlayerGameType.LoadGame(c, c.Source.GameId));
        Field<NonNullGraphType<TeamType>>("team").Resolve(c => c.LoadTeam(c.Source.TeamId));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IntGraphType>>>>("unavailablePlayerNbaIds").Resolve(c => c.Source.UnavailablePlayerIds);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PlayerType>>>>("unavailablePlayers").Resolve(c => c.LoadPlayers(c.Source.UnavailablePlayerIds));
        Field<NonNullGraphType<DateTimeGraphType>>("reportedAt").Resolve(c => c.Source.ReportedAt.UtcDateTime);
    }
}

public sealed class ReportAvailabilityInputType : InputObjectGraphType
{
    public ReportAvailabilityInputType()
    {
        Name = "ReportAvailabilityInput";
        Description = "One team's injury report (inactive list) for one game not yet played.";
        Field<NonNullGraphType<IdGraphType>>("gameId").Description("NBA game id (e.g. 0022300061) or a Game's global id.");
        Field<NonNullGraphType<StringGraphType>>("team").Description("The reporting team's abbreviation, such as GSW; it must play in the game.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IntGraphType>>>>("unavailablePlayerNbaIds")
            .Description("The team's players known to miss the game, at most 32; [] means nobody is out. Replaces the team's earlier report.");
    }
}

public sealed record ReportAvailabilityPayload(AvailabilityReported? Result, IReadOnlyList<DomainException> Errors);

public sealed class ReportAvailabilityPayloadType : ObjectGraphType<ReportAvailabilityPayload>
{
    public ReportAvailabilityPayloadType()
    {
        Name = "ReportAvailabilityPayload";
        Field<AvailabilityReportType>("report").Resolve(c => c.Source.Result?.Report);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PredictionType>>>>("predictions")
            .Description("The game's predictions remade with the report (empty before the first model).")
            .Resolve(c => c.Source.Result?.Predictions ?? []);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public static class AvailabilityQueries
{
    /// <summary>Game.availability: the game's stored reports, home team first, batched across games.</summary>
    public static void AddGameField(ObjectGraphType<Game> game) =>
        game.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AvailabilityReportType>>>>("availability")
            .Description("The teams' injury reports for this game, home team first (empty when none was sent).")
            .Resolve(c =>
            {
                var service = c.Service<AvailabilityService>();
                return c.Loaders()
                    .GetOrAddCollectionBatchLoader<string, AvailabilityView>("gameAvailability", (ids, ct) => service.GetByGamesAsync(ids, ct))
                    .LoadAsync(c.Source.Id);
            });

    public static void AddMutations(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<ReportAvailabilityPayloadType>>("reportAvailability")
            .AuthorizeWithPolicy(Scopes.PredictionsWrite)
            .Description("Record a team's injury report for a game not yet played and remake that day's predictions with it: the players named out leave the slate, and their teammates are predicted with them out.")
            .Argument<NonNullGraphType<ReportAvailabilityInputType>>("input")
            .ResolveAsync(async c =>
            {
                var input = c.GetArgument<Dictionary<string, object?>>("input");
                var gameId = PredictionQueries.GameIdArgument((string)input["gameId"]!)!;
                var ids = ((IEnumerable<object?>)input["unavailablePlayerNbaIds"]!).Select(id => (int)id!).ToList();
                return await DomainPayload.CaptureAsync(
                    () => c.Service<AvailabilityService>().ReportAsync(gameId, (string)input["team"]!, ids, PredictionQueries.ClientId(c), c.CancellationToken),
                    (result, errors) => new ReportAvailabilityPayload(result, errors));
            });
}
