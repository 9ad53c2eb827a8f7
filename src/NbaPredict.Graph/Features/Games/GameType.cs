using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Federation;
using GraphQL.Types;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Games;
using NbaPredict.Core.Features.Players;
using NbaPredict.Graph.Features.Players;
using NbaPredict.Graph.Features.Teams;
using NbaPredict.Graph.GraphQL.Schema;

namespace NbaPredict.Graph.Features.Games;

public sealed class GameType : ObjectGraphType<Game>
{
    public GameType()
    {
        Name = "Game";
        Description = "One NBA game.";
        Interface<NodeInterface>();
        this.Key("nbaGameId");
        this.ResolveReference<GameReference, Game>((c, reference) => PlayerGameType.LoadGame(c, reference.NbaGameId));
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode("Game", c.Source.Id));
        Field("nbaGameId", g => g.Id).Description("NBA.com game id with its leading zeros, e.g. 0022300061.");
        Field<NonNullGraphType<CalendarDateGraphType>>("date").Resolve(c => c.Source.Date);
        Field("season", g => g.SeasonId);
        Field(g => g.SeasonType);
        Field<NonNullGraphType<TeamType>>("homeTeam").Resolve(c => c.LoadTeam(c.Source.HomeTeamId));
        Field<NonNullGraphType<TeamType>>("awayTeam").Resolve(c => c.LoadTeam(c.Source.AwayTeamId));
        Field(g => g.HomeScore).Description("Points of the home team, summed from its box score.");
        Field(g => g.AwayScore);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<Predictions.PredictionType>>>>("predictions")
            .Description("Stored predictions of the production model for this game (actual lines are in boxScore).")
            .Resolve(c =>
            {
                var service = c.Service<NbaPredict.Core.Features.Predictions.PredictionService>();
                var client = Predictions.PredictionQueries.ClientId(c);
                return c.Loaders()
                    .GetOrAddCollectionBatchLoader<string, NbaPredict.Core.Features.Predictions.PredictionView>("gamePredictions", (ids, ct) => service.GetByGamesAsync(ids, client, ct))
                    .LoadAsync(c.Source.Id);
            });
        Availability.AvailabilityQueries.AddGameField(this);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PlayerGameType>>>>("boxScore")
            .Description("Every player who appeared, home team first, then by minutes.")
            .Resolve(c =>
            {
                var service = c.Service<GameService>();
                return c.Loaders()
                    .GetOrAddCollectionBatchLoader<string, PlayerGame>("boxScores", (ids, ct) => service.GetBoxScoresAsync(ids, ct))
                    .LoadAsync(c.Source.Id);
            });
    }
}

/// <summary>The representation a federation gateway sends for a Game: its key.</summary>
public sealed class GameReference
{
    public string NbaGameId { get; set; } = string.Empty;
}

/// <summary>One player's line in one game.</summary>
public sealed class PlayerGameType : ObjectGraphType<PlayerGame>
{
    public PlayerGameType()
    {
        Name = "PlayerGameLine";
        Description = "One player's box score in one game.";
        Field<NonNullGraphType<StringGraphType>>("nbaGameId").Resolve(c => c.Source.GameId);
        Field<NonNullGraphType<CalendarDateGraphType>>("date").Resolve(c => c.Source.GameDate);
        Field("season", b => b.SeasonId);
        Field<NonNullGraphType<PlayerType>>("player").Resolve(c => c.LoadPlayer(c.Source.PlayerId));
        Field<NonNullGraphType<GameType>>("game").Resolve(c => LoadGame(c, c.Source.GameId));
        Field<NonNullGraphType<TeamType>>("team").Resolve(c => c.LoadTeam(c.Source.TeamId));
        Field<NonNullGraphType<TeamType>>("opponent").Resolve(c => c.LoadTeam(c.Source.OpponentTeamId));
        Field(b => b.Home);
        Field(b => b.Starter, nullable: true).Description("Null: the source has no starter flag.");
        Field("min", b => b.Minutes);
        Field(b => b.Pts);
        Field(b => b.Reb);
        Field(b => b.Oreb);
        Field(b => b.Dreb);
        Field(b => b.Ast);
        Field(b => b.Stl);
        Field(b => b.Blk);
        Field(b => b.Tov);
        Field(b => b.Pf);
        Field(b => b.Fgm);
        Field(b => b.Fga);
        Field(b => b.Fg3m);
        Field(b => b.Fg3a);
        Field(b => b.Ftm);
        Field(b => b.Fta);
        Field(b => b.PlusMinus);
    }

    internal static IDataLoaderResult<Game?> LoadGame(IResolveFieldContext c, string gameId)
    {
        var service = c.Service<GameService>();
        return c.Loaders()
            .GetOrAddBatchLoader<string, Game>("games", service.GetManyAsync)
            .LoadAsync(gameId);
    }
}

public static class GameQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionType<GameType, Game>>>("games")
            .Description("Games filtered by date, season and team, newest first.")
            .Argument<CalendarDateGraphType>("date")
            .Argument<StringGraphType>("season", "Season label such as 2023-24.")
            .Argument<StringGraphType>("team", "Team abbreviation such as BOS: that team's home and away games.")
            .Argument<IntGraphType>("first", "Page size, 0–100; default 20.")
            .Argument<StringGraphType>("after")
            .ResolveAsync(async c => Connection.From(await c.Service<GameService>().ListAsync(
                c.GetArgument<DateOnly?>("date"), c.GetArgument<string?>("season"), c.GetArgument<string?>("team"), Cursors.Page(c), c.CancellationToken)));

        query.Field<GameType>("game")
            .Description("One game by NBA.com game id; null when unknown.")
            .Argument<NonNullGraphType<StringGraphType>>("nbaGameId")
            .ResolveAsync(async c => await c.Service<GameService>().GetAsync(c.GetArgument<string>("nbaGameId"), c.CancellationToken));

        query.Field<CalendarDateGraphType>("latestGameDate")
            .Description("The most recent date with games in the data.")
            .ResolveAsync(async c => await c.Service<GameService>().GetLatestGameDateAsync(c.CancellationToken));
    }
}
