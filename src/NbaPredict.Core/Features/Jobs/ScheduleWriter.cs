using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Features.Jobs;

/// <summary>
/// Stores games that are scheduled but not played yet, so predictions can be made for them before tip-off.
/// Existing games are left alone: their results arrive through the import path.
/// </summary>
public sealed class ScheduleWriter(IDbContextFactory<NbaDbContext> contexts)
{
    public async Task<int> AddMissingAsync(IReadOnlyList<ScheduledGame> games, CancellationToken cancellationToken)
    {
        if (games.Count == 0)
        {
            return 0;
        }

        await using var db = contexts.CreateDbContext();
        var ids = games.Select(g => g.GameId).ToList();
        var known = (await db.Games.Where(g => ids.Contains(g.Id)).Select(g => g.Id).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var missing = games.Where(g => !known.Contains(g.GameId)).ToList();
        if (missing.Count == 0)
        {
            return 0;
        }

        var seasonIds = missing.Select(g => g.Season).Distinct(StringComparer.Ordinal).ToList();
        var knownSeasons = (await db.Seasons.Where(s => seasonIds.Contains(s.Id)).Select(s => s.Id).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var season in seasonIds.Where(s => !knownSeasons.Contains(s)))
        {
            db.Seasons.Add(new Season { Id = season, StartYear = Seasons.TryParseStartYear(season, out var year) ? year : 0 });
        }

        db.Games.AddRange(missing.Select(g => new Game
        {
            Id = g.GameId,
            Date = g.Date,
            SeasonId = g.Season,
            SeasonType = g.SeasonType,
            HomeTeamId = g.HomeTeamId,
            AwayTeamId = g.AwayTeamId,
        }));
        await db.SaveChangesAsync(cancellationToken);
        return missing.Count;
    }
}
