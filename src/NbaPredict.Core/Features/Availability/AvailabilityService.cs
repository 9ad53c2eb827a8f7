using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Predictions;

namespace NbaPredict.Core.Features.Availability;

/// <summary>
/// Injury reports: who is known to miss a game before tip-off. A report is stored per team-game, and the day's
/// predictions are remade at once, so the reported players drop out of the slate and their teammates are predicted
/// with them named out, by the model trained for named absences (ADR 0022).
/// </summary>
public sealed class AvailabilityService(IDbContextFactory<NbaDbContext> contexts, PredictionService predictions, DayWriteLock dayLock, TimeProvider time)
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
        AvailabilityReport report;
        await using (var db = contexts.CreateDbContext())
        {
            var (game, team) = await CheckGameAsync(db, gameId.Trim(), teamCode.Trim(), cancellationToken);
            var (accepted, refused) = await CheckPlayersAsync(db, game, team, unavailablePlayerIds, cancellationToken);
            report = refused.Count > 0 ? throw refused[0] : NewReport(game, team, accepted, reportedBy);
            await StoreAsync(db, report, cancellationToken);
        }

        var remade = await RemakeAsync(report.GameDate, reportedBy, cancellationToken);
        return new AvailabilityReported(AvailabilityView.From(report), [.. remade.Where(p => p.GameId == report.GameId)]);
    }

    /// <summary>
    /// The reports of a feed (the injury-report job): each team-game is stored with the players that pass the checks.
    /// A report whose game or team is refused, and a player who is unknown or last played for another team, are left
    /// out and named in <see cref="AvailabilityBatch.Problems"/>. Each date with a stored report is remade once.
    /// </summary>
    public async Task<AvailabilityBatch> ReportManyAsync(IReadOnlyList<TeamAvailability> reports, string reportedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var stored = new List<AvailabilityView>();
        var problems = new List<string>();
        await using (var db = contexts.CreateDbContext())
        {
            foreach (var entry in reports)
            {
                try
                {
                    var (game, team) = await CheckGameAsync(db, entry.GameId, entry.TeamCode, cancellationToken);
                    var (accepted, refused) = await CheckPlayersAsync(db, game, team, entry.UnavailablePlayerIds, cancellationToken);
                    problems.AddRange(refused.Select(r => $"{team.Abbreviation} in {game.Id}: {r.Message}"));
                    var report = NewReport(game, team, accepted, reportedBy);
                    await StoreAsync(db, report, cancellationToken);
                    stored.Add(AvailabilityView.From(report));
                }
                catch (DomainException ex)
                {
                    problems.Add($"{entry.TeamCode} in {entry.GameId}: {ex.Message}");
                }
            }
        }

        var remade = 0;
        foreach (var date in stored.Select(r => r.GameDate).Distinct().Order())
        {
            remade += (await RemakeAsync(date, reportedBy, cancellationToken)).Count;
        }

        return new AvailabilityBatch(stored, problems, remade);
    }

    /// <summary>The stored reports of several games at once (for DataLoaders), home team first.</summary>
    public async Task<ILookup<string, AvailabilityView>> GetByGamesAsync(IReadOnlyList<string> gameIds, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await (
            from r in db.AvailabilityReports.AsNoTracking()
            join g in db.Games on r.GameId equals g.Id
            where gameIds.Contains(r.GameId)
            select new { Report = r, Home = g.HomeTeamId == r.TeamId }).ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.Report.GameId, StringComparer.Ordinal).ThenByDescending(r => r.Home)
            .Select(r => AvailabilityView.From(r.Report)).ToLookup(r => r.GameId, StringComparer.Ordinal);
    }

    private AvailabilityReport NewReport(Game game, Team team, IEnumerable<int> unavailable, string? reportedBy) => new()
    {
        GameId = game.Id,
        TeamId = team.Id,
        GameDate = game.Date,
        UnavailablePlayerIds = [.. unavailable.Order()],
        ReportedAt = time.GetUtcNow(),
        ReportedBy = string.IsNullOrWhiteSpace(reportedBy) ? null : reportedBy,
    };

    /// <summary>Inserts or replaces the team-game's report, under the day's write lock so two reports of it cannot both insert.</summary>
    private async Task StoreAsync(NbaDbContext db, AvailabilityReport report, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            using var day = await dayLock.EnterAsync(report.GameDate, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await DayWriteLock.HoldAcrossProcessesAsync(db, report.GameDate, ct);
            var stored = await db.AvailabilityReports.FirstOrDefaultAsync(r => r.GameId == report.GameId && r.TeamId == report.TeamId, ct);
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

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>The date's predictions remade with its reports; none before the first model (they will use them).</summary>
    private async Task<IReadOnlyList<PredictionView>> RemakeAsync(DateOnly date, string? clientId, CancellationToken cancellationToken)
    {
        try
        {
            return await predictions.RefreshAsync(date, clientId, cancellationToken);
        }
        catch (DomainException ex) when (ex.Code == "NO_MODEL_YET")
        {
            return [];
        }
    }

    private static async Task<(Game Game, Team Team)> CheckGameAsync(NbaDbContext db, string gameId, string teamCode, CancellationToken cancellationToken)
    {
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

        return (game, team);
    }

    /// <summary>The players a report may name, and a refusal for each one it may not (in id order).</summary>
    private static async Task<(List<int> Accepted, List<DomainException> Refused)> CheckPlayersAsync(
        NbaDbContext db, Game game, Team team, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var distinct = UnavailablePlayers.Distinct(ids, "reported").Order().ToList();
        var refused = (await UnavailablePlayers.UnknownAsync(db, distinct, cancellationToken)).ToDictionary(id => id, UnavailablePlayers.Unknown);

        // Each player's team in his last game of the past year: a player traded since belongs to another team's report.
        var since = game.Date.AddDays(-365);
        var recent = await db.PlayerGames.AsNoTracking()
            .Where(pg => distinct.Contains(pg.PlayerId) && pg.GameDate < game.Date && pg.GameDate >= since)
            .Select(pg => new { pg.PlayerId, pg.GameDate, pg.TeamId })
            .ToListAsync(cancellationToken);
        foreach (var last in recent.GroupBy(r => r.PlayerId).Select(g => g.MaxBy(r => r.GameDate)!).Where(r => r.TeamId != team.Id))
        {
            refused[last.PlayerId] = new DomainException("NOT_ON_TEAM", $"unavailable player {last.PlayerId} last played for {NbaTeams.CodeOf(last.TeamId)}, not {team.Abbreviation}");
        }

        return ([.. distinct.Where(id => !refused.ContainsKey(id))], [.. refused.OrderBy(r => r.Key).Select(r => r.Value)]);
    }
}
