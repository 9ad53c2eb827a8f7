namespace NbaPredict.Core.Domain;

/// <summary>A comparison of recent games with the production model's training window.</summary>
public sealed class DriftReport
{
    public long Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string ModelVersion { get; set; }
    public DateOnly ReferenceFrom { get; set; }
    public DateOnly ReferenceTo { get; set; }
    public DateOnly RecentFrom { get; set; }
    public DateOnly RecentTo { get; set; }
    public int ReferenceRows { get; set; }
    public int RecentRows { get; set; }
    public double MaxFeaturePsi { get; set; }
    public double PsiThreshold { get; set; }
    public double ErrorRatioThreshold { get; set; }
    public bool Drifted { get; set; }

    /// <summary>The features with the highest PSI, with their KS statistic and p-value, as JSON.</summary>
    public required string FeaturesJson { get; set; }

    /// <summary>Per predicted stat: PSI of predictions, recent MAE, validation MAE and their ratio, as JSON.</summary>
    public required string StatsJson { get; set; }
}
