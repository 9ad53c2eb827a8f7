using NbaPredict.Core.Data;
using NbaPredict.Core.Features.Jobs;
using NbaPredict.Core.Import;

namespace NbaPredict.Core.Features.Ingestion;

/// <summary>
/// The scheduled jobs' day source over the API clients (<c>Jobs:Source</c> = <c>nba-stats</c> or <c>espn</c>):
/// the results go through <see cref="IIngestionService"/>, so the same resilience, raw cache, validation and
/// idempotent upsert as <c>nbapredict ingest</c>.
/// </summary>
public sealed class HttpDayIngestor(IngestionSource source, IIngestionService ingestion, INbaStatsClient nbaStats, IEspnClient espn, NbaDbContext db) : IDayIngestor
{
    /// <summary>
    /// NBA Stats: the day's scoreboard, every game with its NBA.com id, played or not, so games are stored before
    /// tip-off. ESPN: the scoreboard's games that match a stored game by date and teams, since ESPN has no NBA.com
    /// game ids and none is ever invented.
    /// </summary>
    public async Task<IReadOnlyList<ScheduledGame>> GetScheduleAsync(DateOnly day, CancellationToken cancellationToken)
    {
        if (source == IngestionSource.NbaStats)
        {
            try
            {
                return NbaStatsMapper.Schedule(await nbaStats.GetScoreboardAsync(day, cancellationToken));
            }
            catch (IngestionException ex)
            {
                throw new DomainException("SCHEDULE_FAILED", ex.Message);
            }
        }

        var board = await espn.GetScoreboardAsync(day, cancellationToken);
        var identities = await NbaIdentities.LoadAsync(db, day, cancellationToken);
        return [.. board.Events
            .Select(e => identities.FindGame(e.HomeTeam, e.AwayTeam))
            .OfType<Domain.Game>()
            .Select(g => new ScheduledGame(g.Id, g.Date, g.SeasonId, g.SeasonType, g.HomeTeamId, g.AwayTeamId))];
    }

    public async Task<IngestResult> IngestDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var label = IngestionService.SourceLabel(source);
        IngestionResult result;
        try
        {
            result = await ingestion.IngestDayAsync(day, source, cancellationToken);
        }
        catch (IngestionException ex)
        {
            // The job history records a DomainException's message: the one-line reason the command line prints too.
            throw new DomainException("INGEST_FAILED", ex.Message);
        }

        if (result.Import is not { } import)
        {
            return IngestResult.Empty(day, label) with { Games = result.Games };
        }

        if (import.Status == FileImportStatus.Rejected)
        {
            throw new DomainException("INGEST_REJECTED", import.Reason ?? $"{label} {day:yyyy-MM-dd} was rejected");
        }

        return new IngestResult(day, label, result.Games, import.DataRows, import.Counts.Inserted, import.Counts.Updated, import.Errors.Count);
    }
}
