using System.Text.Json;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Features.Insights;

/// <summary>A stored insight as callers see it; <see cref="Cached"/> says whether this request reused it.</summary>
public sealed record InsightView(
    long Id,
    long? PredictionId,
    int PlayerId,
    DateOnly GameDate,
    InsightDepth Depth,
    string Text,
    IReadOnlyList<DriverFact> Drivers,
    string FactsJson,
    string PromptId,
    int PromptVersion,
    string Provider,
    string Model,
    int TokensIn,
    int TokensOut,
    double Cost,
    double LatencyMs,
    int Attempts,
    InsightOutcome Outcome,
    string? GroundingIssues,
    IReadOnlyDictionary<string, double> Evaluation,
    DateTimeOffset CreatedAt,
    bool Cached)
{
    public static InsightView From(Insight i, bool cached) => new(
        i.Id, i.PredictionId, i.PlayerId, i.GameDate, i.Depth, i.Text,
        JsonSerializer.Deserialize<List<DriverFact>>(i.DriversJson, InsightFacts.Json) ?? [],
        i.FactsJson, i.PromptId, i.PromptVersion, i.Provider, i.Model, i.TokensIn, i.TokensOut, i.Cost, i.LatencyMs, i.Attempts, i.Outcome,
        i.GroundingIssues,
        i.EvaluationJson is null ? new Dictionary<string, double>() : JsonSerializer.Deserialize<Dictionary<string, double>>(i.EvaluationJson, InsightFacts.Json) ?? [],
        i.CreatedAt, cached);
}

public sealed record InsightRatingView(long Id, long InsightId, bool Helpful, string? Comment, DateTimeOffset CreatedAt);

/// <summary>Costs, quality counters and ratings of the insights of one prompt version from one provider.</summary>
public sealed record InsightPromptStats(
    string PromptId,
    int PromptVersion,
    string Provider,
    int Insights,
    long TokensIn,
    long TokensOut,
    double Cost,
    double AverageLatencyMs,
    int Regenerated,
    int ReplacedByOffline,
    int BudgetFallbacks,
    int ProviderErrors,
    int Ratings,
    int Helpful,
    int NotHelpful)
{
    public double? HelpfulShare => Ratings == 0 ? null : Math.Round((double)Helpful / Ratings, 4);
}
