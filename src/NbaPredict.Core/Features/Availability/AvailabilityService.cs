using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Ml.Features;

namespace NbaPredict.Core.Features.Availability;

/// <summary>
/// Injury reports: who is known to miss a game before tip-off. A report is stored per team-game, and the day's
/// predictions are remade at once, so the reported players drop out of the slate and their teammates are predicted
/// with them named out, by the model trained for named absences (ADR 0022).
/// </summary>
public sealed class AvailabilityService(IDbContextFactory<NbaDbContext> contexts, PredictionService predictions, TimeProvider time)
{
    /// <summary>
    /// Stores <paramref name="teamCode"/>'s report for game <paramref name="gameId"/> (replacing an earlier one) and
    /// remakes that day's predictions. Refused with a clear error, and nothing stored, when the game is unknown or
    /// already played, the team is not in it, or a player is unknown or last played for another team. Without a
    /// production model the report is stored and the predictions made later use it.
    /// </summary>
    public async Task<AvailabilityReported> ReportAsync(
        string gameId, string teamCode, IReadOnlyList<int> unavailablePlayerIds, string? reportedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unavailablePlayerIds);
        var report = await ValidateAsync(gameId.Trim(), teamCode.Trim(), unavailablePlayerIds, cancellationToken);
        report.ReportedAt = time.GetUtcNow();
        report.ReportedBy = string.IsNullOrWhiteSpace(reportedBy) ? null : reportedBy;
        await using (var db = contexts.CreateDbContext())
        {
            var stored = await db.AvailabilityReports.FirstOrDefaultAsync(r => r.GameId == report.GameId && r.TeamId == report.TeamId, cancellationToken);
            if (stored is null)
            {
                db.AvailabilityReports.Add(report);
            }
            else
            {
                stored.UnavailablePlayerIds = report.UnavailablePlayerIds;
                // A replaced primitive collection is not always seen by change detection; say so.
                db.Entry(stored).Property(r => r.UnavailablePlayerIds).IsModified = true;
                stored.ReportedAt = report.ReportedAt;
                stored.ReportedBy = report.ReportedBy;
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        IReadOnlyList<PredictionView> remade;
        try
        {
            remade = await predictions.RefreshAsync(report.GameDate, reportedBy, cancellationToken);
        }
        catch (DomainException ex) when (ex.Code == "NO_MODEL_YET")
        {
            remade = [];
        }

        return new AvailabilityReported(AvailabilityView.From(report), [.. remade.Where(p => p.GameId == report.GameId)]);
    }

    /// <summary>The stored reports of several games at once (for DataLoaders), home team first.</summary>
    public async Task<ILookup<string, AvailabilityView>> GetByGamesAsync(IReadOnlyList<string> gameIds, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.AvailabilityReports.AsNoTracking().Where(r => gameIds.Contains(r.GameId)).ToListAsync(cancellationToken);
        var homeTeams = await db.Games.AsNoTracking().Where(g => gameIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.HomeTeamId, cancellationToken);
        return rows.OrderBy(r => r.GameId, StringComparer.Ordinal).ThenByDescending(r => homeTeams.GetValueOrDefault(r.GameId) == r.TeamId)
            .Select(AvailabilityView.From).ToLookup(r => r.GameId, StringComparer.Ordinal);
    }

    private async Task<AvailabilityReport> ValidateAsync(string gameId, string teamCode, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var game = await db.Games.AsNoTracking().FirstOrDefaultAsync(g => g.Id == gameId, cancellationToken)
            ?? throw new DomainException("GAME_NOT_FOUND", $"no game with NBA id '{gameId}'");
        var team = NbaTeams.FindByCode(teamCode.ToUpperInvariant())
            ?? throw new DomainException("UNKNOWN_TEAM", $"team '{teamCode}' is not an NBA team abbreviation such as BOS or GSW");
        if (team.Id != game.HomeTeamId && team.Id != game.AwayTeamId)
        {
            throw new DomainException("INVALID_TEAM", $"{team.Abbreviation} does not play in game {gameId} ({NbaTeams.CodeOf(game.AwayTeamId)} at {NbaTeams.CodeOf(game.HomeTeamId)})");
        }

        // A report is what is known before tip-off; remaking a played game's predictions afterwards would score the
        // feedback loop on hindsight.
        if (await db.PlayerGames.AnyAsync(pg => pg.GameId == gameId, cancellationToken))
        {
            throw new DomainException("GAME_ALREADY_PLAYED", $"game {gameId} has a box score already; availability can be reported only before a game");
        }

        var distinct = ids.Distinct().ToList();
        if (distinct.Count > FeatureStore.MaxUnavailable)
        {
            throw new DomainException("TOO_MANY_UNAVAILABLE", $"at most {FeatureStore.MaxUnavailable} unavailable players can be reported; got {distinct.Count}");
        }

        var known = await db.Players.AsNoTracking().Where(p => distinct.Contains(p.Id)).Select(p => p.Id).ToListAsync(cancellationToken);
        var unknown = distinct.Where(id => !known.Contains(id)).ToList();
        if (unknown.Count > 0)
        {
            throw new DomainException("UNKNOWN_PLAYER", $"unavailable player {unknown[0]} is not a known NBA player id");
        }

        // Each player's team in his last game of the past year: a player traded since belongs to another team's report.
        var since = game.Date.AddDays(-365);
        var recent = await db.PlayerGames.AsNoTracking()
            .Where(pg => distinct.Contains(pg.PlayerId) && pg.GameDate < game.Date && pg.GameDate >= since)
            .Select(pg => new { pg.PlayerId, pg.GameDate, pg.TeamId })
            .ToListAsync(cancellationToken);
        foreach (var last in recent.GroupBy(r => r.PlayerId).Select(g => g.MaxBy(r => r.GameDate)!).OrderBy(r => r.PlayerId))
        {
            if (last.TeamId != team.Id)
            {
                throw new DomainException("NOT_ON_TEAM", $"unavailable player {last.PlayerId} last played for {NbaTeams.CodeOf(last.TeamId)}, not {team.Abbreviation}");
            }
        }

        return new AvailabilityReport { GameId = game.Id, TeamId = team.Id, GameDate = game.Date, UnavailablePlayerIds = [.. distinct.Order()] };
    }
}
