using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Import;

public enum FileImportStatus
{
    Imported,
    Rejected,
    SkippedUnchanged,
}

public sealed record FileImportResult(
    string FileName,
    FileImportStatus Status,
    int DataRows,
    WriteCounts Counts,
    IReadOnlyList<RowError> Errors,
    string? Reason,
    TimeSpan Elapsed);

public sealed record ImportReport(IReadOnlyList<FileImportResult> Files)
{
    public int Inserted => Files.Sum(f => f.Counts.Inserted);
    public int Updated => Files.Sum(f => f.Counts.Updated);
    public int RejectedRows => Files.Sum(f => f.Errors.Count);
    public bool AnyFileRejected => Files.Any(f => f.Status == FileImportStatus.Rejected);
}

/// <summary>Progress of an import: which file, what step, how many of its rows are done.</summary>
public readonly record struct ImportProgress(string FileName, int FileIndex, int FileCount, string Step, int RowsDone, int RowsTotal);

/// <summary>
/// Imports box-score files: each file is validated as a whole, then written in one transaction with its
/// valid rows, or not at all when more than <see cref="MaxInvalidShare"/> of its rows are invalid.
/// </summary>
public sealed class BoxScoreImporter(NbaDbContext db, IBoxScoreWriter writer, Caching.DataVersion dataVersion, ILogger<BoxScoreImporter> logger)
{
    public const double MaxInvalidShare = 0.01;

    public static IReadOnlyList<string> FindFiles(string directory) =>
        Directory.EnumerateFiles(directory)
            .Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".csv.gz", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();

    public async Task<ImportReport> ImportDirectoryAsync(string directory, bool skipUnchangedFiles, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"data directory '{directory}' does not exist");
        }

        using var job = Telemetry.NbaTelemetry.TimeJob("import");
        var files = FindFiles(directory);
        var results = new List<FileImportResult>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            results.Add(await ImportFileAsync(files[i], i, files.Count, skipUnchangedFiles, progress, cancellationToken));
        }

        job.Succeeded();
        return new ImportReport(results);
    }

    public async Task<FileImportResult> ImportFileAsync(string path, int index, int count, bool skipUnchanged, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var fileName = Path.GetFileName(path);
        var hash = await HashAsync(path, cancellationToken);
        if (skipUnchanged)
        {
            var known = await db.ImportedFiles.AsNoTracking().FirstOrDefaultAsync(f => f.FileName == fileName, cancellationToken);
            if (known?.Sha256 == hash)
            {
                progress?.Report(new ImportProgress(fileName, index, count, "unchanged", known.RowCount, known.RowCount));
                return new FileImportResult(fileName, FileImportStatus.SkippedUnchanged, known.RowCount, new WriteCounts(0, 0, known.RowCount), [], "already imported with the same content", started.Elapsed);
            }
        }

        progress?.Report(new ImportProgress(fileName, index, count, "validating", 0, 0));
        var parsed = await BoxScoreCsvParser.ParseFileAsync(path, cancellationToken);
        return await ImportParsedAsync(parsed, hash, index, count, progress, started, cancellationToken);
    }

    /// <summary>
    /// The write half of an import for rows validated elsewhere (an API ingestion): the same 1% rule, upsert,
    /// <c>imported_files</c> record under <see cref="ParsedFile.FileName"/> and data-version bump as a file.
    /// </summary>
    public Task<FileImportResult> ImportParsedAsync(ParsedFile parsed, string contentHash, CancellationToken cancellationToken = default) =>
        ImportParsedAsync(parsed, contentHash, 0, 1, null, System.Diagnostics.Stopwatch.StartNew(), cancellationToken);

    private async Task<FileImportResult> ImportParsedAsync(ParsedFile parsed, string hash, int index, int count, IProgress<ImportProgress>? progress, System.Diagnostics.Stopwatch started, CancellationToken cancellationToken)
    {
        var fileName = parsed.FileName;
        if (parsed.FileError is not null)
        {
            return Rejected(parsed, $"{fileName}: {parsed.FileError}; nothing imported", started);
        }

        if (parsed.InvalidShare > MaxInvalidShare)
        {
            return Rejected(parsed, $"{fileName}: {parsed.Errors.Count} of {parsed.DataRowCount} rows are invalid ({parsed.InvalidShare:P1}, more than {MaxInvalidShare:P0}); nothing imported", started);
        }

        var batch = ImportBatch.From(parsed.Rows);
        var total = batch.Rows.Count;
        var rowProgress = progress is null ? null : new Progress<int>(done => progress.Report(new ImportProgress(fileName, index, count, "writing", done, total)));

        var strategy = db.Database.CreateExecutionStrategy();
        var counts = await strategy.ExecuteAsync(async ct =>
        {
            var connection = db.Database.GetDbConnection();
            if (connection.State != System.Data.ConnectionState.Open)
            {
                await connection.OpenAsync(ct);
            }

            await using var transaction = await connection.BeginTransactionAsync(ct);
            var written = await writer.WriteAsync(connection, transaction, batch, rowProgress, ct);
            await RecordFileAsync(connection, transaction, fileName, hash, parsed.DataRowCount, ct);
            await transaction.CommitAsync(ct);
            return written;
        }, cancellationToken);

        if (counts.Inserted + counts.Updated > 0)
        {
            dataVersion.Bump();
        }

        progress?.Report(new ImportProgress(fileName, index, count, "done", total, total));
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Imported {File}: {Inserted} inserted, {Updated} updated, {Unchanged} unchanged, {Rejected} rejected rows in {Elapsed:F1}s",
            fileName, counts.Inserted, counts.Updated, counts.Unchanged, parsed.Errors.Count, started.Elapsed.TotalSeconds);
        }

        return new FileImportResult(fileName, FileImportStatus.Imported, parsed.DataRowCount, counts, parsed.Errors, null, started.Elapsed);
    }

    private FileImportResult Rejected(ParsedFile parsed, string reason, System.Diagnostics.Stopwatch started)
    {
        logger.LogWarning("Rejected {Reason}", reason);
        return new FileImportResult(parsed.FileName, FileImportStatus.Rejected, parsed.DataRowCount, default, parsed.Errors, reason, started.Elapsed);
    }

    private async Task RecordFileAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string fileName, string hash, int rows, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO imported_files (file_name, sha256, imported_at, row_count) VALUES (@name, @hash, @at, @rows)
            ON CONFLICT (file_name) DO UPDATE SET sha256 = excluded.sha256, imported_at = excluded.imported_at, row_count = excluded.row_count;
            """;
        AddParameter(command, "@name", fileName);
        AddParameter(command, "@hash", hash);
        AddParameter(command, "@at", db.Provider == DatabaseProvider.Sqlite
            ? DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture)
            : DateTimeOffset.UtcNow);
        AddParameter(command, "@rows", rows);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
