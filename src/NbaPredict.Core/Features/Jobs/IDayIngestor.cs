namespace NbaPredict.Core.Features.Jobs;

/// <summary>A game on the schedule, known before its result.</summary>
public sealed record ScheduledGame(string GameId, DateOnly Date, string Season, string SeasonType, int HomeTeamId, int AwayTeamId);

/// <summary>What ingesting one day did.</summary>
public sealed record IngestResult(DateOnly Day, string Source, int Games, int Rows, int Inserted, int Updated, int Rejected)
{
    public static IngestResult Empty(DateOnly day, string source) => new(day, source, 0, 0, 0, 0, 0);

    public override string ToString() =>
        $"{Day:yyyy-MM-dd} from {Source}: {Games} games, {Rows} rows ({Inserted} inserted, {Updated} updated, {Rejected} rejected)";
}

/// <summary>
/// Where a day's games and results come from. The bundled-CSV source is the default; the NBA Stats and ESPN
/// clients implement the same interface, so the jobs and the replay do not care which one feeds them.
/// Implementations must write through the validating, idempotent import path: ingesting a day twice changes nothing.
/// </summary>
public interface IDayIngestor
{
    /// <summary>The games scheduled on <paramref name="day"/>, without results.</summary>
    Task<IReadOnlyList<ScheduledGame>> GetScheduleAsync(DateOnly day, CancellationToken cancellationToken);

    /// <summary>Imports the box scores of <paramref name="day"/> in one transaction.</summary>
    Task<IngestResult> IngestDayAsync(DateOnly day, CancellationToken cancellationToken);
}
