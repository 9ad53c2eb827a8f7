using System.Globalization;
using NbaPredict.Core.Import;

namespace NbaPredict.Core.Features.Ingestion;

/// <summary>
/// API rows on their way into the CSV import's validator: each becomes the CSV format's fields as text
/// (<see cref="BoxScoreCsvParser.Columns"/> order) with a line number, or a <see cref="RowError"/> when it cannot
/// even be put in that shape. Lines are 1-based positions in the source's rows.
/// </summary>
public sealed class BoxScoreRecords(string sourceName)
{
    public string SourceName { get; } = sourceName;

    public List<(int Line, IReadOnlyList<string> Fields)> Records { get; } = [];

    public List<RowError> Errors { get; } = [];

    public int Count => Records.Count + Errors.Count;

    public void Add(int line, string[] fields) => Records.Add((line, fields));

    public void Reject(int line, string reason) => Errors.Add(new RowError(SourceName, line, reason));

    /// <summary>Moves every record of the given lines to the errors with one reason (a whole game found inconsistent).</summary>
    public void RejectLines(IReadOnlySet<int> lines, string reason)
    {
        Errors.AddRange(Records.Where(r => lines.Contains(r.Line)).Select(r => new RowError(SourceName, r.Line, reason)));
        Records.RemoveAll(r => lines.Contains(r.Line));
    }

    /// <summary>Runs the CSV import's row and game checks; mapping errors count toward the same 1% rule.</summary>
    public ParsedFile Validate()
    {
        var parsed = BoxScoreCsvParser.ValidateRecords(SourceName, Records);
        var errors = parsed.Errors.Concat(Errors).OrderBy(e => e.Line).ToList();
        return parsed with { Errors = errors, DataRowCount = Count };
    }

    /// <summary>A stable hash of the normalised content, recorded in <c>imported_files</c> like a file's SHA-256.</summary>
    public string ContentHash()
    {
        var text = string.Join('\n', Records.OrderBy(r => r.Line).Select(r => string.Join(',', r.Fields)));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// An API number as the CSV format writes it: whole numbers without decimals; minutes rounded to the whole
    /// minute as NBA.com's game logs do; anything unreadable is passed on so the validator names it.
    /// </summary>
    public static string Number(string? value, bool roundMinutes = false)
    {
        if (value is null)
        {
            return "";
        }

        var text = value.Trim();
        if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            if (roundMinutes)
            {
                number = decimal.Round(number, MidpointRounding.AwayFromZero);
            }

            if (number == decimal.Truncate(number))
            {
                return ((long)number).ToString(CultureInfo.InvariantCulture);
            }
        }

        return text;
    }
}
