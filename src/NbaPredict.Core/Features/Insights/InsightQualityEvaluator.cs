using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace NbaPredict.Core.Features.Insights;

/// <summary>The facts and known player names an insight is evaluated against.</summary>
public sealed class InsightFactsContext(InsightFacts facts, IReadOnlyCollection<string> playerNames)
    : EvaluationContext("Insight facts", facts?.ToJson() ?? "")
{
    public InsightFacts Facts { get; } = facts ?? throw new ArgumentNullException(nameof(facts));

    public IReadOnlyCollection<string> PlayerNames { get; } = playerNames;
}

/// <summary>
/// A Microsoft.Extensions.AI.Evaluation evaluator that needs no judge model: the share of stated numbers that are
/// grounded, whether no foreign name appears, how many of the top drivers of points the text mentions, and
/// whether it has the 3–6 sentences asked for. (The LLM-judged Quality evaluators are not available from the
/// package feed; these are the deterministic part of what they measure.)
/// </summary>
public sealed class InsightQualityEvaluator : IEvaluator
{
    public const string GroundedNumbers = "Grounded numbers";
    public const string NoForeignNames = "No foreign names";
    public const string DriversCovered = "Drivers covered";
    public const string Sentences = "Sentences";
    public const string SentenceCountInRange = "Sentence count in range";

    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [GroundedNumbers, NoForeignNames, DriversCovered, Sentences, SentenceCountInRange];

    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelResponse);
        var context = additionalContext?.OfType<InsightFactsContext>().FirstOrDefault()
            ?? throw new ArgumentException("An InsightFactsContext is required.", nameof(additionalContext));
        var text = modelResponse.Text;
        var grounding = GroundingCheck.Check(text, context.Facts, context.PlayerNames);
        var top = context.Facts.DriversOf("PTS").Take(2).ToList();
        var covered = top.Count == 0 ? 1 : (double)top.Count(d => text.Contains(d.Label, StringComparison.OrdinalIgnoreCase)) / top.Count;
        var sentences = CountSentences(text);
        return ValueTask.FromResult(new EvaluationResult(
            new NumericMetric(GroundedNumbers, Math.Round(grounding.GroundedShare, 3), $"{grounding.NumbersGrounded} of {grounding.NumbersChecked} numbers are facts"),
            new BooleanMetric(NoForeignNames, !grounding.Issues.Any(i => i.StartsWith("player", StringComparison.Ordinal) || i.StartsWith("team", StringComparison.Ordinal))),
            new NumericMetric(DriversCovered, Math.Round(covered, 3), "share of the two biggest points drivers the text names"),
            new NumericMetric(Sentences, sentences),
            new BooleanMetric(SentenceCountInRange, sentences is >= 3 and <= 6)));
    }

    /// <summary>Sentences end with . ! or ? followed by a space or the end (decimals such as 14.3 are not ends).</summary>
    public static int CountSentences(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        var trimmed = text.TrimEnd();
        for (var i = 0; i < trimmed.Length; i++)
        {
            if (trimmed[i] is '.' or '!' or '?' && (i == trimmed.Length - 1 || char.IsWhiteSpace(trimmed[i + 1])))
            {
                count++;
            }
        }

        return count == 0 && trimmed.Length > 0 ? 1 : count;
    }

    /// <summary>Metric name → value (numbers as numbers, booleans as 1/0), for storage.</summary>
    public static IReadOnlyDictionary<string, double> Flatten(EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, metric) in result.Metrics)
        {
            switch (metric)
            {
                case NumericMetric { Value: { } n }:
                    values[name] = n;
                    break;
                case BooleanMetric { Value: { } b }:
                    values[name] = b ? 1 : 0;
                    break;
            }
        }

        return values;
    }
}
