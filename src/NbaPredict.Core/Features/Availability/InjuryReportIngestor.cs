using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Ingestion;

namespace NbaPredict.Core.Features.Availability;

/// <summary>What one pass over the injury feed did, in a line for the job history.</summary>
public sealed record InjuryReportsIngested(DateOnly Date, int Games, AvailabilityBatch Batch, IReadOnlyList<string> Problems)
{
    public override string ToString() => Games == 0
        ? $"{Date:yyyy-MM-dd}: no game left to play"
        : $"{Date:yyyy-MM-dd}: {Batch.Stored.Count} team reports for {Games} games, {Batch.Stored.Sum(r => r.UnavailablePlayerIds.Count)} players out, " +
          $"{Batch.PredictionsRemade} predictions remade" + (Problems.Count == 0 ? "" : $"; {Problems.Count} skipped: {string.Join("; ", Problems.Take(5))}");
}

/// <summary>
/// Turns ESPN's injury list into availability reports for a day's games not yet played: every team playing gets a
/// report (an empty one when nobody is ruled out), naming the players ESPN lists as out. Names are matched to
/// NBA.com ids as the ESPN box-score mapping does; an athlete it cannot place is skipped and named.
/// </summary>
public sealed class InjuryReportIngestor(IEspnClient espn, IDbContextFactory<NbaDbContext> contexts, AvailabilityService availability)
{
    /// <summary>How a feed's reports are signed in <c>availability_reports.reported_by</c>.</summary>
    public const string ReportedBy = "feed:espn-injuries";

    public async Task<InjuryReportsIngested> IngestAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        List<Game> games;
        NbaIdentities identities;
        await using (var db = contexts.CreateDbContext())
        {
            var played = db.PlayerGames.Where(pg => pg.GameDate == date).Select(pg => pg.GameId);
            games = await db.Games.AsNoTracking().Where(g => g.Date == date && !played.Contains(g.Id)).OrderBy(g => g.Id).ToListAsync(cancellationToken);
            if (games.Count == 0)
            {
                return new InjuryReportsIngested(date, 0, new AvailabilityBatch([], [], 0), []);
            }

            identities = await NbaIdentities.LoadAsync(db, date, cancellationToken);
        }

        var feed = await espn.GetInjuriesAsync(cancellationToken);
        var problems = new List<string>(feed.Problems);
        var outByTeam = feed.Injuries.Where(i => i.RuledOut).ToLookup(i => i.Team, StringComparer.Ordinal);
        var reports = new List<TeamAvailability>();
        foreach (var game in games)
        {
            foreach (var teamId in new[] { game.HomeTeamId, game.AwayTeamId })
            {
                var team = NbaTeams.CodeOf(teamId);
                var ids = new List<int>();
                foreach (var injury in outByTeam[team])
                {
                    if (identities.FindPlayer(injury.Name, team, out var problem) is { } player)
                    {
                        ids.Add(player.Id);
                    }
                    else
                    {
                        problems.Add(problem!);
                    }
                }

                reports.Add(new TeamAvailability(game.Id, team, ids));
            }
        }

        var batch = await availability.ReportManyAsync(reports, ReportedBy, cancellationToken);
        return new InjuryReportsIngested(date, games.Count, batch, [.. problems, .. batch.Problems]);
    }
}
