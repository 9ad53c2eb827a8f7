using System.Globalization;
using System.Text.RegularExpressions;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Features.Insights;

/// <summary>The verdict on a text: grounded, or the numbers and names it made up.</summary>
public sealed record GroundingResult(bool Passed, int NumbersChecked, int NumbersGrounded, IReadOnlyList<string> Issues)
{
    public double GroundedShare => NumbersChecked == 0 ? 1 : (double)NumbersGrounded / NumbersChecked;
}

/// <summary>
/// Checks a generated text against its facts: every number it states must be a fact (or the absolute value of one)
/// at the precision written ("14" and "14.3" both match 14.27; "15" does not), every date must be the game's date,
/// and every player or team it names must be the prediction's player, team or opponent.
/// </summary>
public static partial class GroundingCheck
{
    [GeneratedRegex(@"\b(\d{4})-(\d{2})-(\d{2})\b")]
    private static partial Regex IsoDate();

    // A number stands alone: "76ers" is a name, not the number 76.
    [GeneratedRegex(@"(?<![\w.])\d+(?:\.\d+)?(?!\w)")]
    private static partial Regex Number();

    // Stat names that are also team tricodes (MIN is Minnesota and minutes).
    private static readonly HashSet<string> StatWords = new(StringComparer.Ordinal) { "PTS", "REB", "AST", "FG3M", "STL", "BLK", "TOV", "MIN" };

    public static GroundingResult Check(string text, InsightFacts facts, IEnumerable<string> knownPlayerNames)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(knownPlayerNames);
        var issues = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            issues.Add("the answer is empty");
        }

        var date = facts.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (Match m in IsoDate().Matches(text))
        {
            if (m.Value != date)
            {
                issues.Add($"date {m.Value} is not the game's date");
            }
        }

        var allowed = facts.Numbers();
        var body = IsoDate().Replace(text, " ");
        int checkedCount = 0, grounded = 0;
        foreach (Match m in Number().Matches(body))
        {
            checkedCount++;
            if (Matches(m.Value, allowed))
            {
                grounded++;
            }
            else
            {
                issues.Add($"number {m.Value} is not in the facts");
            }
        }

        var ownTeams = new[] { facts.Team, facts.Opponent };
        foreach (var team in NbaTeams.All.Where(t => !ownTeams.Contains(t.Abbreviation)))
        {
            if (ContainsWord(text, team.Name) || (!StatWords.Contains(team.Abbreviation) && ContainsWord(text, team.Abbreviation)))
            {
                issues.Add($"team {team.Abbreviation} is not in this game");
            }
        }

        foreach (var name in knownPlayerNames)
        {
            if (!string.Equals(name, facts.Player, StringComparison.Ordinal) && ContainsWord(text, name) && !facts.Player.Contains(name, StringComparison.Ordinal)
                && !facts.ReportedOut.Contains(name, StringComparer.Ordinal))
            {
                issues.Add($"player {name} is not the prediction's player");
            }
        }

        return new GroundingResult(issues.Count == 0, checkedCount, grounded, issues);
    }

    /// <summary>True when <paramref name="written"/> is some allowed number rounded to the decimals written.</summary>
    public static bool Matches(string written, IReadOnlyCollection<double> allowed)
    {
        ArgumentNullException.ThrowIfNull(written);
        ArgumentNullException.ThrowIfNull(allowed);
        var value = double.Parse(written, CultureInfo.InvariantCulture);
        var dot = written.IndexOf('.', StringComparison.Ordinal);
        var decimals = dot < 0 ? 0 : written.Length - dot - 1;
        var tolerance = (0.5 * Math.Pow(10, -decimals)) + 1e-9;
        return allowed.Any(a => Math.Abs(a - value) <= tolerance);
    }

    private static bool ContainsWord(string text, string word)
    {
        if (word.Length == 0)
        {
            return false;
        }

        for (var i = text.IndexOf(word, StringComparison.Ordinal); i >= 0; i = text.IndexOf(word, i + 1, StringComparison.Ordinal))
        {
            var before = i == 0 || !char.IsLetterOrDigit(text[i - 1]);
            var end = i + word.Length;
            var after = end >= text.Length || !char.IsLetterOrDigit(text[end]);
            if (before && after)
            {
                return true;
            }
        }

        return false;
    }
}
