using Microsoft.Extensions.Logging;
using NbaPredict.Core.Data;
using NbaPredict.Core.Import;

namespace NbaPredict.Core.Features.Ingestion;

/// <summary>What one day's ingestion did; <see cref="Import"/> is null when the source had no games that day.</summary>
public sealed record IngestionResult(DateOnly Date, IngestionSource Source, int Games, FileImportResult? Import)
{
    public bool Rejected => Import?.Status == FileImportStatus.Rejected;
}

/// <summary>The entry point scheduled jobs and the command line call; one game day per call, safe to repeat.</summary>
public interface IIngestionService
{
    Task<IngestionResult> IngestDayAsync(DateOnly date, IngestionSource source = IngestionSource.NbaStats, CancellationToken cancellationToken = default);
}

/// <summary>
/// One game day from an API into the database: fetch (resilient, cached) → map to the CSV format → the CSV
/// import's validation → its set-based upsert and data-version bump. Re-ingesting a day changes nothing.
/// </summary>
public sealed class IngestionService(INbaStatsClient nbaStats, IEspnClient espn, BoxScoreImporter importer, NbaDbContext db, ILogger<IngestionService> logger) : IIngestionService
{
    public static string SourceLabel(IngestionSource source) => source == IngestionSource.NbaStats ? NbaStatsClient.SourceName : EspnClient.SourceName;

    public static bool TryParseSource(string text, out IngestionSource source)
    {
        source = text switch
        {
            NbaStatsClient.SourceName => IngestionSource.NbaStats,
            EspnClient.SourceName => IngestionSource.Espn,
            _ => (IngestionSource)(-1),
        };
        return Enum.IsDefined(source);
    }

    public async Task<IngestionResult> IngestDayAsync(DateOnly date, IngestionSource source = IngestionSource.NbaStats, CancellationToken cancellationToken = default)
    {
        var sourceName = $"{SourceLabel(source)}/{date:yyyy-MM-dd}";
        var (records, games) = source == IngestionSource.NbaStats
            ? await FromNbaStatsAsync(sourceName, date, cancellationToken)
            : await FromEspnAsync(sourceName, date, cancellationToken);

        if (records.Count == 0)
        {
            logger.LogInformation("{Source}: no games", sourceName);
            return new IngestionResult(date, source, games, null);
        }

        var import = await importer.ImportParsedAsync(records.Validate(), records.ContentHash(), cancellationToken);
        return new IngestionResult(date, source, games, import);
    }

    private async Task<(BoxScoreRecords, int Games)> FromNbaStatsAsync(string sourceName, DateOnly date, CancellationToken cancellationToken)
    {
        var players = await nbaStats.GetLeagueGameLogAsync(date, GameLogKind.Players, cancellationToken);
        var teams = await nbaStats.GetLeagueGameLogAsync(date, GameLogKind.Teams, cancellationToken);
        var gameId = teams.Column("GAME_ID");
        var games = teams.Rows.Select(r => r[gameId]).Distinct(StringComparer.Ordinal).Count();
        return (NbaStatsMapper.Map(sourceName, players, teams), games);
    }

    private async Task<(BoxScoreRecords, int Games)> FromEspnAsync(string sourceName, DateOnly date, CancellationToken cancellationToken)
    {
        var board = await espn.GetScoreboardAsync(date, cancellationToken);
        var summaries = new List<EspnSummary>(board.Events.Count);
        foreach (var game in board.Events.Where(e => e.Completed))
        {
            summaries.Add(await espn.GetSummaryAsync(game.Id, cancellationToken));
        }

        var identities = await NbaIdentities.LoadAsync(db, date, cancellationToken);
        return (EspnMapper.Map(sourceName, date, summaries, identities), summaries.Count);
    }
}
