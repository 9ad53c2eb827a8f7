namespace NbaPredict.Core.Domain;

public enum ExperimentStatus
{
    Draft,
    Running,
    Stopped,
    Concluded,
}

/// <summary>What an experiment assigns to variants: a partner client or a player.</summary>
public enum ExperimentUnit
{
    Client,
    Player,
}

/// <summary>An A/B test between registered model versions; its variants and weights are stored as JSON.</summary>
public sealed class Experiment
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public ExperimentUnit Unit { get; set; }
    public ExperimentStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? StoppedAt { get; set; }

    /// <summary>The variants as JSON: <c>[{"modelVersion":"m…","weight":50}, …]</c>.</summary>
    public required string VariantsJson { get; set; }

    public DateTimeOffset? ConcludedAt { get; set; }

    /// <summary>The model version declared the winner when the experiment was concluded (null: no winner).</summary>
    public string? WinnerModelVersion { get; set; }
}
