using NbaPredict.Core.Features.Predictions;
using NbaPredict.Core.Import;
using NbaPredict.Ml.Data;

namespace NbaPredict.Workers.Cli;

/// <summary>A folder of box-score files in the contract's format, as the commands that walk one read it.</summary>
internal static class BoxScoreFolder
{
    /// <summary>The folder's *.csv / *.csv.gz files, or a one-line error when it is missing or has none.</summary>
    public static IReadOnlyList<string> Files(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CommandLineException($"data directory '{directory}' does not exist");
        }

        var files = BoxScoreImporter.FindFiles(directory);
        return files.Count == 0 ? throw new CommandLineException($"no *.csv or *.csv.gz files in '{directory}'") : files;
    }

    /// <summary>
    /// Every valid row of the files. An unreadable file is a one-line error; invalid rows are skipped with a warning
    /// each (the first 20 per file, then a count).
    /// </summary>
    public static async Task<List<PlayerGameRecord>> ReadAsync(IReadOnlyList<string> files, TextWriter error)
    {
        var records = new List<PlayerGameRecord>();
        foreach (var file in files)
        {
            var parsed = await BoxScoreCsvParser.ParseFileAsync(file);
            if (parsed.FileError is not null)
            {
                throw new CommandLineException($"{parsed.FileName}: {parsed.FileError}");
            }

            foreach (var rejected in parsed.Errors.Take(20))
            {
                await error.WriteLineAsync($"warning: skipped row {rejected}");
            }

            if (parsed.Errors.Count > 20)
            {
                await error.WriteLineAsync($"warning: skipped {parsed.Errors.Count - 20} more invalid rows in {parsed.FileName}");
            }

            records.AddRange(parsed.Rows.Select(HistoryLoader.ToRecord));
        }

        return records;
    }
}
