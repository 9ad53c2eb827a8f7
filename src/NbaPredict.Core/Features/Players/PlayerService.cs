using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Features.Players;

public sealed record SeasonAverages(
    int PlayerId,
    string Season,
    int Games,
    double Minutes,
    double Pts,
    double Reb,
    double Ast,
    double Fg3m,
    double Stl,
    double Blk,
    double Tov,
    double FgPct,
    double Fg3Pct,
    double FtPct);

/// <summary>Every read about players; GraphQL resolvers and REST endpoints call straight into it.</summary>
/// <remarks>Each call uses its own short-lived context, because GraphQL resolves sibling fields concurrently.</remarks>
public sealed class PlayerService(IDbContextFactory<NbaDbContext> contexts, Caching.QueryCache cache)
{
    public const int MaxSearchLength = 100;
    public const int MaxGameLog = 82;

    public Task<Page<Player>> SearchAsync(string? search, string? team, PageRequest page, CancellationToken cancellationToken = default) =>
        cache.GetOrCreateAsync("players", $"{search}|{team}|{page.Offset}|{page.Size}", ct => SearchUncachedAsync(search, team, page, ct), cancellationToken);

    private async Task<Page<Player>> SearchUncachedAsync(string? search, string? team, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var query = db.Players.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            if (search.Length > MaxSearchLength)
            {
                throw new DomainException("INVALID_SEARCH", $"search must be at most {MaxSearchLength} characters");
            }

            var term = SearchText.Normalize(search);
            // Parameterised LIKE with the wildcards escaped, so user text is only ever matched literally.
            var pattern = "%" + term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            query = query.Where(p => EF.Functions.Like(p.SearchName, pattern, "\\"));
        }

        if (!string.IsNullOrWhiteSpace(team))
        {
            var teamId = NbaTeams.FindByCode(team.Trim())?.Id
                ?? throw new DomainException("UNKNOWN_TEAM", $"team '{team}' is not an NBA team abbreviation such as BOS or GSW");
            query = query.Where(p => p.CurrentTeamId == teamId);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = page.Size == 0
            ? []
            : await query.OrderBy(p => p.Name).ThenBy(p => p.Id).Skip(page.Offset).Take(page.Size).ToListAsync(cancellationToken);
        return new Page<Player>(items, page.Offset, total);
    }

    public async Task<Player?> GetAsync(int nbaId, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Players.AsNoTracking().FirstOrDefaultAsync(p => p.Id == nbaId, cancellationToken);
    }

    public async Task<IDictionary<int, Player>> GetManyAsync(IReadOnlyList<int> nbaIds, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Players.AsNoTracking().Where(p => nbaIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
    }

    /// <summary>The latest <paramref name="last"/> games of each player (newest first), in one query for all players.</summary>
    public async Task<ILookup<int, PlayerGame>> GetGameLogsAsync(IReadOnlyList<int> playerIds, string? season, int last, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        CheckGameLogLength(last);

        // Written as players → their latest games so EF Core emits one windowed (ROW_NUMBER) query, not one per player.
        var rows = await db.Players
            .Where(p => playerIds.Contains(p.Id))
            .SelectMany(p => db.PlayerGames
                .Where(pg => pg.PlayerId == p.Id && (season == null || pg.SeasonId == season))
                .OrderByDescending(pg => pg.GameDate).ThenByDescending(pg => pg.GameId)
                .Take(last))
            .ToListAsync(cancellationToken);
        return rows.OrderByDescending(r => r.GameDate).ThenByDescending(r => r.GameId).ToLookup(r => r.PlayerId);
    }

    /// <summary>Refuses a game-log length outside 1..<see cref="MaxGameLog"/>.</summary>
    public static void CheckGameLogLength(int last)
    {
        if (last is < 1 or > MaxGameLog)
        {
            throw new DomainException("INVALID_ARGUMENT", $"'last' must be between 1 and {MaxGameLog}; got {last}");
        }
    }

    /// <summary>Per-game averages for a season, or each player's latest season when none is named.</summary>
    public Task<IDictionary<int, SeasonAverages>> GetSeasonAveragesAsync(IReadOnlyList<int> playerIds, string? season, CancellationToken cancellationToken = default) =>
        cache.GetManyAsync<int, SeasonAverages>("seasonAverages:" + season, playerIds, (ids, ct) => GetSeasonAveragesUncachedAsync(ids, season, ct), cancellationToken);

    private async Task<IDictionary<int, SeasonAverages>> GetSeasonAveragesUncachedAsync(IReadOnlyList<int> playerIds, string? season, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var query = db.PlayerGames.AsNoTracking().Where(pg => playerIds.Contains(pg.PlayerId));
        if (season is not null)
        {
            query = query.Where(pg => pg.SeasonId == season);
        }

        var rows = await query
            .GroupBy(pg => new { pg.PlayerId, pg.SeasonId })
            .Select(g => new
            {
                g.Key.PlayerId,
                g.Key.SeasonId,
                Games = g.Count(),
                Minutes = g.Sum(x => x.Minutes),
                Pts = g.Sum(x => x.Pts),
                Reb = g.Sum(x => x.Reb),
                Ast = g.Sum(x => x.Ast),
                Fg3m = g.Sum(x => x.Fg3m),
                Stl = g.Sum(x => x.Stl),
                Blk = g.Sum(x => x.Blk),
                Tov = g.Sum(x => x.Tov),
                Fgm = g.Sum(x => x.Fgm),
                Fga = g.Sum(x => x.Fga),
                Fg3a = g.Sum(x => x.Fg3a),
                Ftm = g.Sum(x => x.Ftm),
                Fta = g.Sum(x => x.Fta),
            })
            .ToListAsync(cancellationToken);

        return rows
            .GroupBy(r => r.PlayerId)
            .Select(g => g.MaxBy(r => r.SeasonId, StringComparer.Ordinal)!)
            .ToDictionary(
                r => r.PlayerId,
                r => new SeasonAverages(
                    r.PlayerId,
                    r.SeasonId,
                    r.Games,
                    Avg(r.Minutes, r.Games),
                    Avg(r.Pts, r.Games),
                    Avg(r.Reb, r.Games),
                    Avg(r.Ast, r.Games),
                    Avg(r.Fg3m, r.Games),
                    Avg(r.Stl, r.Games),
                    Avg(r.Blk, r.Games),
                    Avg(r.Tov, r.Games),
                    Ratio(r.Fgm, r.Fga),
                    Ratio(r.Fg3m, r.Fg3a),
                    Ratio(r.Ftm, r.Fta)));
    }

    private static double Avg(int sum, int games) => games == 0 ? 0 : Math.Round((double)sum / games, 2);

    private static double Ratio(int made, int attempted) => attempted == 0 ? 0 : Math.Round((double)made / attempted, 3);
}
