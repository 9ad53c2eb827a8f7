using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Configuration;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Import;

namespace NbaPredict.Core.Features.Jobs;

/// <summary>
/// Reads a day out of the season files in the bundled format (<c>player_games_&lt;season&gt;.csv(.gz)</c>) and
/// imports it through <see cref="BoxScoreImporter"/>: the same validation and the same one-transaction upsert
/// as <c>import</c>, so a crash mid-day leaves the day either fully in or not at all.
/// </summary>
public sealed class BundledCsvDayIngestor(BoxScoreImporter importer, NbaPredictSettings settings, IConfiguration configuration) : IDayIngestor
{
    private const string SourceName = "bundled CSV";

    public async Task<IReadOnlyList<ScheduledGame>> GetScheduleAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var lines = await ReadDayAsync(day, cancellationToken);
        if (lines is null)
        {
            return [];
        }

        var parsed = await BoxScoreCsvParser.ParseAsync(ToStream(lines), DayFileName(day), cancellationToken);
        return parsed.Rows.GroupBy(r => r.GameId, StringComparer.Ordinal).Select(g =>
        {
            var any = g.First();
            return new ScheduledGame(g.Key, any.GameDate, any.Season, any.SeasonType, any.Home ? any.TeamId : any.OpponentTeamId, any.Home ? any.OpponentTeamId : any.TeamId);
        }).OrderBy(g => g.GameId, StringComparer.Ordinal).ToList();
    }

    public async Task<IngestResult> IngestDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var lines = await ReadDayAsync(day, cancellationToken);
        if (lines is null)
        {
            return IngestResult.Empty(day, SourceName);
        }

        // The importer works on files: the day is written whole under its stable name (what imported_files records)
        // in a folder of this call's own, so concurrent ingests of one day never touch each other's file.
        var folder = Directory.CreateDirectory(Path.Combine(settings.DataDirectory, "ingest", $"{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;
        var path = Path.Combine(folder, DayFileName(day));
        await File.WriteAllTextAsync(path, lines, new UTF8Encoding(false), cancellationToken);
        try
        {
            var result = await importer.ImportFileAsync(path, 0, 1, skipUnchanged: false, progress: null, cancellationToken);
            if (result.Status == FileImportStatus.Rejected)
            {
                throw new DomainException("INGEST_REJECTED", result.Reason ?? $"{DayFileName(day)} was rejected");
            }

            var games = lines.Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',', 2)[0]).Distinct(StringComparer.Ordinal).Count();
            return new IngestResult(day, SourceName, games, result.DataRows, result.Counts.Inserted, result.Counts.Updated, result.Errors.Count);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static string DayFileName(DateOnly day) => $"player_games_{day:yyyy-MM-dd}.csv";

    /// <summary>The header plus every row dated <paramref name="day"/>, or null when the season file has none.</summary>
    private async Task<string?> ReadDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var directory = configuration[$"{JobOptions.Section}:{nameof(JobOptions.IngestDataDirectory)}"] is { Length: > 0 } configured
            ? configured
            : NbaPredictSettings.FindBundledDataDirectory(configuration);
        if (directory is null || !Directory.Exists(directory))
        {
            throw new DomainException("NO_SOURCE_DATA", "no folder with player_games_*.csv(.gz) to ingest from; set Jobs__IngestDataDirectory or NBAPREDICT_BUNDLED_DATA");
        }

        var season = Seasons.LabelOf(day);
        var file = new[] { $"player_games_{season}.csv.gz", $"player_games_{season}.csv" }
            .Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
        if (file is null)
        {
            return null;
        }

        await using var stream = File.OpenRead(file);
        Stream source = file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
        using var reader = new StreamReader(source, Encoding.UTF8);
        var header = await reader.ReadLineAsync(cancellationToken);
        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var builder = new StringBuilder().Append(header).Append('\n');
        var any = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            var firstComma = line.IndexOf(',', StringComparison.Ordinal);
            if (firstComma > 0 && line.AsSpan(firstComma + 1).StartsWith(date, StringComparison.Ordinal) && line.Length > firstComma + 1 + date.Length && line[firstComma + 1 + date.Length] == ',')
            {
                builder.Append(line).Append('\n');
                any = true;
            }
        }

        return any ? builder.ToString() : null;
    }

    private static MemoryStream ToStream(string text) => new(Encoding.UTF8.GetBytes(text));
}
