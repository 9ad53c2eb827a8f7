using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Import;
using Spectre.Console;

namespace NbaPredict.Workers.Cli;

internal static class ImportCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, CommandLineOptions options, TextWriter output)
    {
        var directory = options.Required("data");
        var skipUnchanged = options.Flag("skip-unchanged");
        options.RejectUnknown();
        if (!Directory.Exists(directory))
        {
            throw new CommandLineException($"data directory '{directory}' does not exist");
        }

        if (BoxScoreImporter.FindFiles(directory).Count == 0)
        {
            throw new CommandLineException($"no *.csv or *.csv.gz files in '{directory}'");
        }

        var importer = services.GetRequiredService<BoxScoreImporter>();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = Math.Max(console.Profile.Width, 120);
        ImportReport report = null!;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var progress = new SynchronousProgress<ImportProgress>(p =>
                {
                    if (!tasks.TryGetValue(p.FileName, out var task))
                    {
                        task = context.AddTask(Markup.Escape(p.FileName), maxValue: 1);
                        tasks[p.FileName] = task;
                    }

                    task.Description = Markup.Escape($"{p.FileName} ({p.Step})");
                    if (p.RowsTotal > 0)
                    {
                        task.MaxValue = p.RowsTotal;
                        task.Value = p.RowsDone;
                    }
                });
                report = await importer.ImportDirectoryAsync(directory, skipUnchangedFiles: skipUnchanged, progress);
            });

        WriteReport(console, report);
        return report.AnyFileRejected ? 1 : 0;
    }

    private static void WriteReport(IAnsiConsole console, ImportReport report)
    {
        var table = new Table().AddColumns("file", "status", "rows", "inserted", "updated", "unchanged", "rejected", "seconds");
        foreach (var file in report.Files)
        {
            table.AddRow(
                Markup.Escape(file.FileName),
                file.Status.ToString(),
                Num(file.DataRows),
                Num(file.Counts.Inserted),
                Num(file.Counts.Updated),
                Num(file.Counts.Unchanged),
                Num(file.Errors.Count),
                file.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        }

        console.Write(table);
        foreach (var file in report.Files.Where(f => f.Reason is not null && f.Status == FileImportStatus.Rejected))
        {
            console.MarkupLine($"[red]rejected[/] {Markup.Escape(file.Reason!)}");
        }

        foreach (var error in report.Files.SelectMany(f => f.Errors).Take(200))
        {
            console.WriteLine($"rejected row {error}");
        }

        var total = report.Files.Sum(f => f.Errors.Count);
        if (total > 200)
        {
            console.WriteLine($"... and {total - 200} more rejected rows");
        }

        console.WriteLine($"imported: {report.Inserted} inserted, {report.Updated} updated, {report.RejectedRows} rejected rows, {report.Files.Count(f => f.Status == FileImportStatus.Rejected)} rejected files");
    }

    private static string Num(int value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reports on the calling thread, so the progress display sees updates in order.</summary>
    private sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}
