namespace NbaPredict.Core.Domain;

public enum ModelStage
{
    Candidate,
    Production,
    Archived,
}

/// <summary>One trained model in the registry: its artifact on disk and everything needed to trust it.</summary>
public sealed class ModelVersion
{
    public int Id { get; set; }

    /// <summary>Human-readable, unique and sortable, e.g. <c>m20261124-171500</c>.</summary>
    public required string Version { get; set; }

    public ModelStage Stage { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PromotedAt { get; set; }
    public required string FeatureSchemaVersion { get; set; }
    public DateOnly TrainFrom { get; set; }
    public DateOnly TrainTo { get; set; }
    public DateOnly CalibrationFrom { get; set; }
    public DateOnly CalibrationTo { get; set; }
    public int TrainingRows { get; set; }
    public double TrainingSeconds { get; set; }
    public required string DataHash { get; set; }

    /// <summary>Path of the artifact directory, relative to the data directory's <c>models</c> folder.</summary>
    public required string ArtifactPath { get; set; }

    /// <summary>Hyperparameters as JSON, as the trainer recorded them.</summary>
    public required string HyperparametersJson { get; set; }

    /// <summary>Validation metrics per stat as JSON (MAE, RMSE, coverage, baselines).</summary>
    public required string MetricsJson { get; set; }

    /// <summary>
    /// The known-absence model's metrics on the same rows with each game's absences named (ADR 0021), as JSON in
    /// the shape of <see cref="MetricsJson"/>; "{}" for models trained without it.
    /// </summary>
    public string KnownAbsenceMetricsJson { get; set; } = "{}";
}
