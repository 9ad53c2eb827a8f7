using NbaPredict.Ml.Data;

namespace NbaPredict.Ml.Modeling;

/// <summary>Hyperparameters of the per-stat ensembles. Serialised into the bundle manifest.</summary>
public sealed record TrainingOptions
{
    /// <summary>Seed for every trainer (fixed → reproducible).</summary>
    public int Seed { get; init; } = 20231024;

    /// <summary>Threads for tree trainers.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Stats to train (default: all 8).</summary>
    public IReadOnlyList<StatKind> Stats { get; init; } = StatKinds.All;

    /// <summary>Ensemble members to train.</summary>
    public IReadOnlyList<MemberKind> Members { get; init; } = [MemberKind.LightGbmL1, MemberKind.LightGbm, MemberKind.FastTree, MemberKind.FastForest, MemberKind.Linear];

    /// <summary>Label transform for tree members.</summary>
    public TargetTransform TreeTransform { get; init; } = TargetTransform.Sqrt;

    /// <summary>Label transform for the linear member.</summary>
    public TargetTransform LinearTransform { get; init; } = TargetTransform.Identity;

    /// <summary>LightGBM boosting rounds.</summary>
    public int LightGbmIterations { get; init; } = 100;

    /// <summary>LightGBM learning rate.</summary>
    public double LightGbmLearningRate { get; init; } = 0.1;

    /// <summary>LightGBM leaves per tree.</summary>
    public int LightGbmLeaves { get; init; } = 31;

    /// <summary>LightGBM feature fraction per tree.</summary>
    public double LightGbmFeatureFraction { get; init; } = 0.7;

    /// <summary>Native LightGBM L1 boosting rounds.</summary>
    public int L1Iterations { get; init; } = 160;

    /// <summary>Native LightGBM L1 learning rate.</summary>
    public double L1LearningRate { get; init; } = 0.12;

    /// <summary>Native LightGBM L1 leaves.</summary>
    public int L1Leaves { get; init; } = 31;

    /// <summary>Native LightGBM L1 minimum rows per leaf; 0 uses <see cref="MinExamplesPerLeaf"/>.</summary>
    public int L1MinDataInLeaf { get; init; }

    /// <summary>Native LightGBM L1 feature fraction per tree; 0 uses <see cref="LightGbmFeatureFraction"/>.</summary>
    public double L1FeatureFraction { get; init; }

    /// <summary>FastTree trees.</summary>
    public int FastTreeTrees { get; init; } = 60;

    /// <summary>FastTree learning rate.</summary>
    public double FastTreeLearningRate { get; init; } = 0.15;

    /// <summary>FastTree leaves.</summary>
    public int FastTreeLeaves { get; init; } = 24;

    /// <summary>FastForest trees.</summary>
    public int FastForestTrees { get; init; } = 15;

    /// <summary>FastForest leaves.</summary>
    public int FastForestLeaves { get; init; } = 128;

    /// <summary>Minimum examples per leaf (all tree members).</summary>
    public int MinExamplesPerLeaf { get; init; } = 100;

    /// <summary>SDCA L2 regularisation.</summary>
    public float LinearL2 { get; init; } = 0.01f;

    /// <summary>SDCA passes.</summary>
    public int LinearIterations { get; init; } = 20;

    /// <summary>Sample weight per season back from the last training season (1 = all seasons equal).</summary>
    public double RecencyDecay { get; init; } = 1.0;

    /// <summary>
    /// After the stacking weights and intervals are fitted on the calibration season, fit the members again on the
    /// training and calibration seasons together, so the served model has seen the most recent season. Off by
    /// default: it nearly doubles training time for a gain within noise (docs/ml-notes.md, run history).
    /// </summary>
    public bool RefitOnCalibration { get; init; }

    /// <summary>
    /// Also train the known-absence model: per stat, the ensemble's members plus one L1 LightGBM fitted on games
    /// featurized as if their inactive list had been known before tip-off, with its own stacking weights and conformal
    /// intervals. It serves only predictions whose caller names the unavailable players (ADR 0021); history-only
    /// predictions never use it.
    /// </summary>
    public bool KnownAbsenceModel { get; init; } = true;

    /// <summary>
    /// Round the point prediction of every counted stat (all but minutes) to the nearest whole number. Absolute error
    /// rewards the median, and the median of a whole-number outcome is a whole number; the continuous score of a
    /// boosted ensemble sits between two (ADR 0023). Intervals are unaffected.
    /// </summary>
    public bool WholeNumberPoints { get; init; } = true;

    /// <summary>
    /// Extra coverage the low-count intervals are calibrated for, on top of the nominal 80 % (as a fraction).
    /// Whole-number outcomes make coverage jump in steps, and a calibration season lands up to about two points
    /// either side of its target on the next one; the product promises at least nominal on those stats.
    /// </summary>
    public double LowCountMargin80 { get; init; } = 0.025;

    /// <summary>The same margin on top of the nominal 95 %.</summary>
    public double LowCountMargin95 { get; init; } = 0.015;

    /// <summary>When &gt; 0, deterministic subsample of training rows (for tests and quick runs).</summary>
    public int MaxTrainRows { get; init; }

    /// <summary>Small, fast settings for unit tests.</summary>
    public static TrainingOptions Quick { get; } = new()
    {
        LightGbmIterations = 60,
        LightGbmLearningRate = 0.1,
        LightGbmLeaves = 15,
        FastTreeTrees = 40,
        FastTreeLearningRate = 0.15,
        FastTreeLeaves = 12,
        FastForestTrees = 10,
        FastForestLeaves = 32,
        MinExamplesPerLeaf = 30,
        LinearIterations = 10,
        L1Iterations = 80,
        L1LearningRate = 0.1,
        L1Leaves = 15,
    };
}

/// <summary>Date windows of a training run. Ends are exclusive.</summary>
public sealed record TrainingPlan(DateOnly TrainFrom, DateOnly TrainTo, DateOnly CalibrationFrom, DateOnly CalibrationTo)
{
    /// <summary>Train 2015-16..2021-22, calibrate on 2022-23 (test 2023-24 is not touched).</summary>
    public static TrainingPlan Standard { get; } = new(new DateOnly(2015, 8, 1), new DateOnly(2022, 8, 1), new DateOnly(2022, 8, 1), new DateOnly(2023, 8, 1));
}
