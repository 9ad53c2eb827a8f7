using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Features.Ingestion;
using NbaPredict.Core.Import;
using NbaPredict.Workers.Cli;

namespace NbaPredict.Workers.Ingestion;

/// <summary><c>ingest --date YYYY-MM-DD [--source nba-stats|espn]</c>: one game day from an API, idempotent.</summary>
internal static class IngestCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, CommandLineOptions options, TextWriter output, TextWriter error)
    {
        var (date, source) = ReadOptions(options);
        return await RunAsync(services, date, source, output, error);
    }

    private static (DateOnly Date, IngestionSource Source) ReadOptions(CommandLineOptions options)
    {
        var dateText = options.Required("date");
        var sourceText = options.Optional("source") ?? NbaStatsClient.SourceName;
        options.RejectUnknown();
        if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new CommandLineException($"--date '{dateText}' is not a date in YYYY-MM-DD form");
        }

        if (!IngestionService.TryParseSource(sourceText, out var source))
        {
            throw new CommandLineException($"--source '{sourceText}' is not one of nba-stats, espn");
        }

        return (date, source);
    }

    public static async Task<int> RunAsync(IServiceProvider services, DateOnly date, IngestionSource source, TextWriter output, TextWriter error)
    {
        var settings = services.GetRequiredService<IConfiguration>().GetSection(IngestionOptions.Section).Get<IngestionOptions>() ?? new IngestionOptions();
        if (settings.FirstProblem() is { } problem)
        {
            throw new CommandLineException($"configuration: {problem}");
        }

        IngestionResult result;
        try
        {
            result = await services.GetRequiredService<IIngestionService>().IngestDayAsync(date, source);
        }
        catch (IngestionException ex)
        {
            await error.WriteLineAsync($"error: {NbaCli.FirstLine(ex.Message)}");
            return 1;
        }

        var label = $"{IngestionService.SourceLabel(source)} {date:yyyy-MM-dd}";
        if (result.Import is not { } import)
        {
            await output.WriteLineAsync($"{label}: no games");
            return 0;
        }

        foreach (var rowError in import.Errors.Take(200))
        {
            await output.WriteLineAsync($"rejected row {rowError}");
        }

        if (import.Status == FileImportStatus.Rejected)
        {
            await error.WriteLineAsync($"error: {import.Reason}");
            return 1;
        }

        await output.WriteLineAsync(
            $"{label}: {result.Games} games, {import.DataRows} rows: {import.Counts.Inserted} inserted, {import.Counts.Updated} updated, " +
            $"{import.Counts.Unchanged} unchanged, {import.Errors.Count} rejected");
        return 0;
    }
}
