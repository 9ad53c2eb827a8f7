using Microsoft.EntityFrameworkCore;

namespace NbaPredict.Core.Domain;

/// <summary>How deep an insight goes: a short summary (cheap model) or a deep dive (strong model).</summary>
public enum InsightDepth
{
    Summary,
    DeepDive,
}

/// <summary>How an insight's text came about, for quality monitoring.</summary>
public enum InsightOutcome
{
    /// <summary>No provider configured: the offline generator wrote it.</summary>
    Offline,

    /// <summary>The model's first answer passed the grounding check.</summary>
    Grounded,

    /// <summary>The first answer failed the grounding check, the regenerated one passed.</summary>
    GroundedOnRetry,

    /// <summary>Both answers failed the grounding check; the offline text replaced them.</summary>
    ReplacedByOffline,

    /// <summary>The client's daily token budget was spent: the offline generator wrote it.</summary>
    BudgetFallback,

    /// <summary>The provider failed (unreachable, timeout, refusal): the offline generator wrote it.</summary>
    ProviderError,
}

/// <summary>
/// A generated explanation of a stored prediction, with everything needed to account for it: which prompt and
/// version, provider and model, tokens, cost and latency, the facts it was grounded in and how grounding went.
/// Unique per (prediction, prompt, prompt version, provider): that is the cache key.
/// </summary>
public sealed class Insight
{
    public long Id { get; set; }
    /// <summary>
    /// The prediction explained; null once a refresh replaced that prediction (the insight, its cost and its ratings
    /// stay on record for budgets and statistics, but it no longer explains a live prediction).
    /// </summary>
    public long? PredictionId { get; set; }
    public int PlayerId { get; set; }
    public DateOnly GameDate { get; set; }
    public InsightDepth Depth { get; set; }
    public required string PromptId { get; set; }
    public int PromptVersion { get; set; }

    /// <summary>"offline", "openai", "azure" or "ollama".</summary>
    public required string Provider { get; set; }
    public required string Model { get; set; }

    /// <summary>The client whose request generated it (its tokens count against that client's daily budget).</summary>
    public required string ClientId { get; set; }
    public int TokensIn { get; set; }
    public int TokensOut { get; set; }

    /// <summary>In the configured currency, from the configured price per 1,000 tokens.</summary>
    public double Cost { get; set; }
    public double LatencyMs { get; set; }
    public int Attempts { get; set; }
    public InsightOutcome Outcome { get; set; }

    /// <summary>Why the last rejected answer failed the grounding check (null when none was rejected).</summary>
    public string? GroundingIssues { get; set; }
    public required string Text { get; set; }

    /// <summary>Drivers with signed contributions per stat, as JSON.</summary>
    public required string DriversJson { get; set; }

    /// <summary>Every fact the text could use, as JSON (what the model was given).</summary>
    public required string FactsJson { get; set; }

    /// <summary>Evaluation metrics (name → value) when an LLM wrote the text, as JSON.</summary>
    public string? EvaluationJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A user's verdict on an insight.</summary>
public sealed class InsightRating
{
    public long Id { get; set; }
    public long InsightId { get; set; }
    public bool Helpful { get; set; }
    public string? Comment { get; set; }
    public required string ClientId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal static class InsightModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Insight>(insight =>
        {
            insight.ToTable("insights");
            insight.Property(i => i.Depth).HasConversion<string>().HasMaxLength(16);
            insight.Property(i => i.Outcome).HasConversion<string>().HasMaxLength(24);
            insight.Property(i => i.PromptId).HasMaxLength(64);
            insight.Property(i => i.Provider).HasMaxLength(16);
            insight.Property(i => i.Model).HasMaxLength(64);
            insight.Property(i => i.ClientId).HasMaxLength(128);
            insight.HasIndex(i => new { i.PredictionId, i.PromptId, i.PromptVersion, i.Provider }).IsUnique();
            insight.HasIndex(i => new { i.PlayerId, i.CreatedAt });
            insight.HasIndex(i => new { i.ClientId, i.CreatedAt });
            insight.HasOne<StoredPrediction>().WithMany().HasForeignKey(i => i.PredictionId).OnDelete(DeleteBehavior.SetNull);
        });

        modelBuilder.Entity<InsightRating>(rating =>
        {
            rating.ToTable("insight_ratings");
            rating.Property(r => r.Comment).HasMaxLength(1000);
            rating.Property(r => r.ClientId).HasMaxLength(128);
            rating.HasIndex(r => r.InsightId);
            rating.HasOne<Insight>().WithMany().HasForeignKey(r => r.InsightId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
