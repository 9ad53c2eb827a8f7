using System.Text;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Core.Import;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Features;

namespace NbaPredict.Workers.Cli;

/// <summary>
/// <c>absences --data DIR --out F.csv</c>: a stand-in inactive list for every game of DIR, read from its box scores
/// (<see cref="KnownAbsences.FromBoxScores"/>), in the form <c>evaluate --absences</c> reads. Evaluating with it
/// measures what a real inactive list could give; it is not a forecast, since it reads who played.
/// </summary>
internal static class AbsencesCommand
{
    public static async Task<int> RunAsync(CommandLineOptions options, TextWriter output)
    {
        var directory = options.Required("data");
        var outFile = options.Required("out");
        options.RejectUnknown();
        if (!Directory.Exists(directory))
        {
            throw new CommandLineException($"data directory '{directory}' does not exist");
        }

        var files = BoxScoreImporter.FindFiles(directory);
        if (files.Count == 0)
        {
            throw new CommandLineException($"no *.csv or *.csv.gz files in '{directory}'");
        }

        var records = new List<PlayerGameRecord>();
        foreach (var file in files)
        {
            var parsed = await BoxScoreCsvParser.ParseFileAsync(file);
            if (parsed.FileError is not null)
            {
                throw new CommandLineException($"{parsed.FileName}: {parsed.FileError}");
            }

            records.AddRange(parsed.Rows.Select(HistoryLoader.ToRecord));
        }

        var absences = KnownAbsences.FromBoxScores(records);
        var temporary = outFile + ".partial";
        await using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(false)))
        {
            KnownAbsences.Write(writer, absences);
        }

        File.Move(temporary, outFile, overwrite: true);
        await output.WriteLineAsync($"{absences.Count:N0} team-games, {absences.Values.Sum(a => a.Length):N0} absences written to {outFile} (read from the box scores: a ceiling, not a forecast)");
        return 0;
    }
}
