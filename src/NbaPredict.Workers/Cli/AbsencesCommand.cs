using System.Text;
using NbaPredict.Ml.Features;

namespace NbaPredict.Workers.Cli;

/// <summary>
/// <c>absences --data DIR --out F.csv</c>: a stand-in inactive list for every game of DIR, read from its box scores
/// (<see cref="KnownAbsences.FromBoxScores"/>), in the form <c>evaluate --absences</c> reads. Evaluating with it
/// measures what a real inactive list could give; it is not a forecast, since it reads who played.
/// </summary>
internal static class AbsencesCommand
{
    public static async Task<int> RunAsync(CommandLineOptions options, TextWriter output, TextWriter error)
    {
        var directory = options.Required("data");
        var outFile = options.Required("out");
        options.RejectUnknown();
        var records = await BoxScoreFolder.ReadAsync(BoxScoreFolder.Files(directory), error);
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
