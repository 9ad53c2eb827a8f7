using NbaPredict.Core;
using NbaPredict.Core.Import;

namespace NbaPredict.Graph.Hosting;

/// <summary>
/// Imports the bundled seasons in the background on start, so the API answers at once and fills up as each
/// file lands. Files already imported with the same content are skipped, so restarts are quick.
/// </summary>
public sealed class BundledDataImportService(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    ImportStatus status,
    ILogger<BundledDataImportService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (configuration.GetValue("NBAPREDICT_IMPORT_ON_START", true) is false)
        {
            status.Set(ImportState.Disabled, "bundled import disabled by NBAPREDICT_IMPORT_ON_START=false");
            return;
        }

        var directory = NbaPredictSettings.FindBundledDataDirectory(configuration);
        if (directory is null)
        {
            status.Set(ImportState.Failed, "bundled data folder data/nba was not found");
            logger.LogWarning("No bundled data folder (data/nba) found; set NBAPREDICT_BUNDLED_DATA to import one");
            return;
        }

        status.Set(ImportState.Running, $"importing {directory}");
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var importer = scope.ServiceProvider.GetRequiredService<BoxScoreImporter>();
            var lastLogged = DateTime.MinValue;
            var progress = new Progress<ImportProgress>(p =>
            {
                if (logger.IsEnabled(LogLevel.Information) && (p.Step is "done" or "unchanged" || DateTime.UtcNow - lastLogged > TimeSpan.FromSeconds(2)))
                {
                    lastLogged = DateTime.UtcNow;
                    logger.LogInformation("Bundled import {Index}/{Count} {File}: {Step} {Done}/{Total} rows", p.FileIndex + 1, p.FileCount, p.FileName, p.Step, p.RowsDone, p.RowsTotal);
                }
            });
            var report = await importer.ImportDirectoryAsync(directory, skipUnchangedFiles: true, progress, stoppingToken);
            status.Set(ImportState.Completed, $"{report.Files.Count} files: {report.Inserted} rows inserted, {report.Updated} updated, {report.RejectedRows} rejected");
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("Bundled import finished: {Summary}", status.Message);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            status.Set(ImportState.Failed, "stopped before the import finished; it resumes on the next start");
        }
        catch (Exception ex)
        {
            status.Set(ImportState.Failed, "bundled import failed; see the log");
            logger.LogError(ex, "Bundled import failed");
        }
    }
}

public enum ImportState
{
    Pending,
    Running,
    Completed,
    Failed,
    Disabled,
}

/// <summary>What the start-up import is doing, for readiness checks and operators.</summary>
public sealed class ImportStatus
{
    private volatile Snapshot current = new(ImportState.Pending, "waiting to start");

    public ImportState State => current.State;

    public string Message => current.Message;

    public void Set(ImportState state, string message) => current = new Snapshot(state, message);

    private sealed record Snapshot(ImportState State, string Message);
}
