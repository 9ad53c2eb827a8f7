using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Federation;
using GraphQL.Types;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Players;
using NbaPredict.Graph.Features.Games;
using NbaPredict.Graph.Features.Teams;
using NbaPredict.Graph.GraphQL.Infrastructure;
using NbaPredict.Graph.GraphQL.Schema;

namespace NbaPredict.Graph.Features.Players;

public sealed class PlayerType : ObjectGraphType<Player>
{
    public PlayerType()
    {
        Name = "Player";
        Description = "An NBA player, identified by NBA.com person id.";
        Interface<NodeInterface>();
        this.Key("nbaId");
        this.ResolveReference<PlayerReference, Player>((c, reference) => c.LoadPlayer(reference.NbaId));
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode("Player", c.Source.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Field("nbaId", p => p.Id).Description("NBA.com person id, e.g. 2544 for LeBron James.");
        Field(p => p.Name);
        Field<TeamType>("team").Description("The team of the player's most recent game.").Resolve(c => c.LoadTeam(c.Source.CurrentTeamId));
        Field<CalendarDateGraphType>("lastGameDate").Resolve(c => c.Source.LastGameDate);

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PlayerGameType>>>>("gameLog")
            .Description("The player's most recent games, newest first.")
            .Argument<StringGraphType>("season", "Season label such as 2023-24; all seasons when omitted.")
            .Argument<IntGraphType>("last", "How many games (1–82); default 10.")
            .Resolve(c =>
            {
                var season = c.GetArgument<string?>("season");
                var last = c.GetArgument("last", 10);
                // Checked here, not only in the batch fetch, so the refusal is a coded error for this field.
                PlayerService.CheckGameLogLength(last);

                var service = c.Service<PlayerService>();
                return c.Loaders()
                    .GetOrAddCollectionBatchLoader<int, PlayerGame>($"gameLog:{season}:{last}", (ids, ct) => service.GetGameLogsAsync(ids, season, last, ct))
                    .LoadAsync(c.Source.Id);
            });

        Field<SeasonAveragesType>("seasonAverages")
            .Description("Per-game averages in a season (the latest the player played when omitted).")
            .Argument<StringGraphType>("season")
            .Resolve(c =>
            {
                var season = c.GetArgument<string?>("season");
                var service = c.Service<PlayerService>();
                return c.Loaders()
                    .GetOrAddBatchLoader<int, SeasonAverages>($"seasonAverages:{season}", (ids, ct) => service.GetSeasonAveragesAsync(ids, season, ct))
                    .LoadAsync(c.Source.Id);
            });
    }
}

/// <summary>The representation a federation gateway sends for a Player: its key.</summary>
public sealed class PlayerReference
{
    public int NbaId { get; set; }
}

internal static class PlayerLoader
{
    public static IDataLoaderResult<Player?> LoadPlayer(this IResolveFieldContext context, int nbaId)
    {
        var service = context.Service<PlayerService>();
        return context.Loaders().GetOrAddBatchLoader<int, Player>("players", service.GetManyAsync).LoadAsync(nbaId);
    }

    /// <summary>Several players through the same batch as <see cref="LoadPlayer"/>, in order, unknown ids left out.</summary>
    public static IDataLoaderResult<List<Player>> LoadPlayers(this IResolveFieldContext context, IEnumerable<int> nbaIds)
    {
        var service = context.Service<PlayerService>();
        return context.Loaders().GetOrAddBatchLoader<int, Player>("players", service.GetManyAsync).LoadManyAsync(nbaIds)
            .Then(players => players.OfType<Player>().ToList());
    }
}

public sealed class SeasonAveragesType : ObjectGraphType<SeasonAverages>
{
    public SeasonAveragesType()
    {
        Name = "SeasonAverages";
        Field(a => a.Season);
        Field(a => a.Games);
        Field("min", a => a.Minutes);
        Field(a => a.Pts);
        Field(a => a.Reb);
        Field(a => a.Ast);
        Field(a => a.Fg3m);
        Field(a => a.Stl);
        Field(a => a.Blk);
        Field(a => a.Tov);
        Field(a => a.FgPct);
        Field(a => a.Fg3Pct);
        Field(a => a.FtPct);
    }
}

public static class PlayerQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionType<PlayerType, Player>>>("players")
            .Description("Players by name (case- and accent-insensitive) and current team, ordered by name.")
            .Argument<StringGraphType>("search")
            .Argument<StringGraphType>("team", "Team abbreviation such as GSW.")
            .Argument<IntGraphType>("first", "Page size, 0–100; default 20.")
            .Argument<StringGraphType>("after", "Cursor of the last item of the previous page.")
            .ResolveAsync(async c => Connection.From(await c.Service<PlayerService>().SearchAsync(
                c.GetArgument<string?>("search"), c.GetArgument<string?>("team"), Cursors.Page(c), c.CancellationToken)));

        query.Field<PlayerType>("player")
            .Description("One player by NBA.com person id; null when unknown.")
            .Argument<NonNullGraphType<IntGraphType>>("nbaId")
            .ResolveAsync(async c => await c.Service<PlayerService>().GetAsync(c.GetArgument<int>("nbaId"), c.CancellationToken));
    }
}
