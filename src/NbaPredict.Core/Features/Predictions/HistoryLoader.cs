using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Import;
using NbaPredict.Ml.Data;

namespace NbaPredict.Core.Features.Predictions;

/// <summary>Turns stored box scores and imported CSV rows into the model's input records.</summary>
public sealed class HistoryLoader(IDbContextFactory<NbaDbContext> contexts)
{
    /// <summary>Every stored player-game, optionally only those before a date, sorted by date then game.</summary>
    public async Task<IReadOnlyList<PlayerGameRecord>> LoadAsync(DateOnly? before = null, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var query = db.PlayerGames.AsNoTracking();
        if (before is { } limit)
        {
            query = query.Where(pg => pg.GameDate < limit);
        }

        var rows = await query
            .OrderBy(pg => pg.GameDate).ThenBy(pg => pg.GameId).ThenBy(pg => pg.PlayerId)
            .Select(pg => new
            {
                pg.GameId, pg.GameDate, pg.SeasonId, pg.PlayerId, pg.TeamId, pg.OpponentTeamId, pg.Home, pg.Minutes, pg.Pts, pg.Reb, pg.Oreb,
                pg.Dreb, pg.Ast, pg.Stl, pg.Blk, pg.Tov, pg.Pf, pg.Fgm, pg.Fga, pg.Fg3m, pg.Fg3a, pg.Ftm, pg.Fta, pg.PlusMinus,
            })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new PlayerGameRecord(
            r.GameId, r.GameDate, r.SeasonId, r.PlayerId, NbaTeams.CodeOf(r.TeamId), NbaTeams.CodeOf(r.OpponentTeamId), r.Home, r.Minutes, r.Pts, r.Reb, r.Oreb,
            r.Dreb, r.Ast, r.Stl, r.Blk, r.Tov, r.Pf, r.Fgm, r.Fga, r.Fg3m, r.Fg3a, r.Ftm, r.Fta, r.PlusMinus)).ToList();
    }

    public static PlayerGameRecord ToRecord(BoxScoreRow r) => new(
        r.GameId, r.GameDate, r.Season, r.PlayerId, NbaTeams.CodeOf(r.TeamId), NbaTeams.CodeOf(r.OpponentTeamId), r.Home, r.Minutes, r.Pts, r.Reb, r.Oreb,
        r.Dreb, r.Ast, r.Stl, r.Blk, r.Tov, r.Pf, r.Fgm, r.Fga, r.Fg3m, r.Fg3a, r.Ftm, r.Fta, r.PlusMinus);
}
