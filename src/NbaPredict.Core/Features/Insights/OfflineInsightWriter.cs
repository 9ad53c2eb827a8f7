using System.Globalization;
using System.Text;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Features.Insights;

/// <summary>
/// Writes an insight from the facts alone, deterministically and without a network: every number it prints is a
/// fact rounded to one decimal, every name is the prediction's player or teams. The default generator, and the
/// fallback whenever an LLM's text fails the grounding check, the budget is spent or the provider fails.
/// </summary>
public static class OfflineInsightWriter
{
    public const string Model = "offline-template";

    public static string Write(InsightFacts facts, InsightDepth depth)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var text = new StringBuilder();
        var pts = facts.Stat("PTS");
        var reb = facts.Stat("REB");
        var ast = facts.Stat("AST");
        var venue = facts.Home ? $"at home against the {facts.OpponentName}" : $"on the road against the {facts.OpponentName}";
        var deep = depth == InsightDepth.DeepDive;
        var minutes = deep ? $" in {N(facts.Stat("MIN").Value)} minutes" : "";
        Sentence(text, $"{facts.Player} ({facts.Team}) is projected for {N(pts.Value)} points, {N(reb.Value)} rebounds and {N(ast.Value)} assists{minutes} {venue} on {facts.Date:yyyy-MM-dd}");
        if (facts.ReportedOut.Count > 0)
        {
            Sentence(text, $"His team's injury report rules out {Join(facts.ReportedOut)}, and the projection plays the game without {(facts.ReportedOut.Count == 1 ? "him" : "them")}");
        }

        Sentence(text, Drivers(facts, "PTS", "points", deep ? 3 : 2));
        if (deep)
        {
            var (stat, unit) = facts.DriversOf("REB").Sum(d => Math.Abs(d.Contribution)) >= facts.DriversOf("AST").Sum(d => Math.Abs(d.Contribution))
                ? ("REB", "rebounds")
                : ("AST", "assists");
            Sentence(text, Drivers(facts, stat, unit, 2));
        }

        var form = facts.FormOf("PTS");
        var trend = form.Last5 > form.Season + 1 ? "running hotter than" : form.Last5 < form.Season - 1 ? "running colder than" : "in line with";
        Sentence(text, $"Recent form is {trend} his season: {N(form.Last5)} points a game over the last 5 and {N(form.Last10)} over the last 10, against a season average of {N(form.Season)}");

        if (deep)
        {
            var defence = facts.OpponentDefence;
            var relative = defence.PointsAllowedVsLeaguePct >= 0
                ? $"{N(defence.PointsAllowedVsLeaguePct)}% more than the league average"
                : $"{N(-defence.PointsAllowedVsLeaguePct)}% less than the league average";
            Sentence(text, $"{Capitalize(Rest(facts))}, and the {facts.OpponentName} have allowed {N(defence.PointsAllowedLast10)} points a game over their last 10 games, {relative}");
            Sentence(text, $"The model is {Certainty(facts.Uncertainty)}: 80% of outcomes like this fall between {N(pts.Lower80)} and {N(pts.Upper80)} points and 95% between {N(pts.Lower95)} and {N(pts.Upper95)}");
        }
        else
        {
            Sentence(text, $"{Capitalize(Rest(facts))}, and the model is {Certainty(facts.Uncertainty)}: 80% of outcomes like this fall between {N(pts.Lower80)} and {N(pts.Upper80)} points");
        }

        return text.ToString().TrimEnd();
    }

    private static string Drivers(InsightFacts facts, string stat, string unit, int count)
    {
        var drivers = facts.DriversOf(stat).Take(count).ToList();
        if (drivers.Count == 0)
        {
            return $"No single driver moves the {unit} far from an average player-game";
        }

        var parts = drivers.Select(d => $"{d.Label} {(d.Contribution >= 0 ? "adds" : "takes away")} {N(Math.Abs(d.Contribution))}").ToList();
        return $"Compared with an average player-game, {Join(parts)} {unit}";
    }

    /// <summary>"a", "a and b", "a, b and c".</summary>
    private static string Join(IReadOnlyList<string> parts) =>
        parts.Count == 1 ? parts[0] : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1];

    private static string Rest(InsightFacts facts)
    {
        var rest = facts.Rest;
        var own = rest.BackToBack ? "he plays the second night of a back-to-back"
            : rest.RestDays >= 30 ? "he returns after a long break"
            : $"he comes in with {rest.RestDays} days since his last game";
        var opponent = rest.OpponentBackToBack ? $"while the {facts.OpponentName} are on a back-to-back" : "";
        return opponent.Length == 0 ? own : $"{own} {opponent}";
    }

    private static string Certainty(UncertaintyFact uncertainty) => uncertainty.Level switch
    {
        "tight" => "fairly confident",
        "moderate" => "moderately confident",
        _ => "unsure",
    };

    private static void Sentence(StringBuilder text, string sentence) => text.Append(sentence).Append(". ");

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    // Whole numbers read as whole numbers: counted stats are predicted as whole numbers (ADR 0023).
    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
