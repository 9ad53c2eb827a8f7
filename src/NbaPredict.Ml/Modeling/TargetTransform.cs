namespace NbaPredict.Ml.Modeling;

/// <summary>Transform applied to the label before training; predictions are mapped back.</summary>
public enum TargetTransform
{
    /// <summary>Train on the raw stat.</summary>
    Identity,

    /// <summary>Train on sqrt(stat): pulls squared-error fits toward the median (lower MAE on skewed counts).</summary>
    Sqrt,
}

internal static class TargetTransforms
{
    public static float Forward(TargetTransform t, float y) => t == TargetTransform.Sqrt ? MathF.Sqrt(Math.Max(0, y)) : y;

    public static double Inverse(TargetTransform t, double z) => t == TargetTransform.Sqrt ? (z <= 0 ? 0 : z * z) : z;
}
