using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Features.Games;

/// <summary>Every read about games and box scores; GraphQL and REST call straight into it.</summary>
/// <remarks>Each call uses its own short-lived context, because GraphQL resolves sibling fields concurrently.</remarks>
public sealed class GameService(IDbContextFactory<NbaDbContext> contexts)
{
    public async Task<Page<Game>> ListAsync(DateOnly? date, string? season, string? team, PageRequest page, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var query = db.Games.AsNoTracking();
        if (date is { } day)
        {
            query = query.Where(g => g.Date == day);
        }

        if (season is not null)
        {
            if (!Seasons.TryParseStartYear(season, out _))
            {
                throw new DomainException("INVALID_SEASON", $"season '{season}' is not a label like 2023-24");
            }

            query = query.Where(g => g.SeasonId == season);
        }

        if (!string.IsNullOrWhiteSpace(team))
        {
            var teamId = NbaTeams.FindByCode(team.Trim())?.Id
                ?? throw new DomainException("UNKNOWN_TEAM", $"team '{team}' is not an NBA team abbreviation such as BOS or GSW");
            query = query.Where(g => g.HomeTeamId == teamId || g.AwayTeamId == teamId);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = page.Size == 0
            ? []
            : await query.OrderByDescending(g => g.Date).ThenBy(g => g.Id).Skip(page.Offset).Take(page.Size).ToListAsync(cancellationToken);
        return new Page<Game>(items, page.Offset, total);
    }

    public async Task<Game?> GetAsync(string nbaGameId, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Games.AsNoTracking().FirstOrDefaultAsync(g => g.Id == nbaGameId, cancellationToken);
    }

    public async Task<IDictionary<string, Game>> GetManyAsync(IReadOnlyList<string> gameIds, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Games.AsNoTracking().Where(g => gameIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, StringComparer.Ordinal, cancellationToken);
    }

    /// <summary>Box scores of several games in one query, each game's rows home team first, then by minutes.</summary>
    public async Task<ILookup<string, PlayerGame>> GetBoxScoresAsync(IReadOnlyList<string> gameIds, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.PlayerGames.AsNoTracking()
            .Where(pg => gameIds.Contains(pg.GameId))
            .OrderBy(pg => pg.GameId).ThenByDescending(pg => pg.Home).ThenByDescending(pg => pg.Minutes).ThenBy(pg => pg.PlayerId)
            .ToListAsync(cancellationToken);
        return rows.ToLookup(r => r.GameId, StringComparer.Ordinal);
    }

    /// <summary>The most recent date with games, which the dashboard and examples default to.</summary>
    public async Task<DateOnly?> GetLatestGameDateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Games.AsNoTracking().OrderByDescending(g => g.Date).Select(g => (DateOnly?)g.Date).FirstOrDefaultAsync(cancellationToken);
    }
}
