using Microsoft.ML;
using NbaPredict.Ml.Data;

namespace NbaPredict.Ml.Modeling;

/// <summary>Kinds of ensemble members.</summary>
public enum MemberKind
{
    /// <summary>ML.NET LightGBM gradient boosting.</summary>
    LightGbm,

    /// <summary>ML.NET FastTree gradient boosting.</summary>
    FastTree,

    /// <summary>ML.NET FastForest random forest.</summary>
    FastForest,

    /// <summary>ML.NET SDCA L2-regularised linear regression on standardised features.</summary>
    Linear,

    /// <summary>Native LightGBM with objective=regression_l1 (fits the conditional median directly).</summary>
    LightGbmL1,
}

/// <summary>
/// One prediction of one stat: point value (fit to absolute error: the predicted median, a whole number for counted
/// stats when the model rounds them) and 80%/95% intervals.
/// </summary>
public readonly record struct StatPrediction(StatKind Stat, float Value, float Lo80, float Hi80, float Lo95, float Hi95);

/// <summary>A trained ensemble member with a fast evaluation path.</summary>
internal sealed class MemberModel
{
    public required MemberKind Kind { get; init; }

    public required TargetTransform Transform { get; init; }

    public CompactForest? Forest { get; init; }

    /// <summary>Raw-feature weights of a linear member (standardisation folded in).</summary>
    public double[]? LinearWeights { get; init; }

    public double LinearBias { get; init; }

    /// <summary>Standardisation used to train the linear member (kept for the manifest).</summary>
    public float[]? FeatureMean { get; init; }

    public float[]? FeatureStd { get; init; }

    /// <summary>The ML.NET model (saved as a zip in bundles).</summary>
    public ITransformer? MlModel { get; init; }

    public DataViewSchema? MlInputSchema { get; init; }

    /// <summary>LightGBM text model of a native member (saved as .txt in bundles).</summary>
    public string? NativeModelText { get; init; }

    public double Predict(ReadOnlySpan<float> x)
    {
        double z;
        if (Forest is not null)
        {
            z = Forest.Predict(x);
        }
        else
        {
            var w = LinearWeights!;
            z = LinearBias;
            for (var i = 0; i < w.Length; i++)
            {
                z += w[i] * x[i];
            }
        }

        return TargetTransforms.Inverse(Transform, z);
    }

    /// <summary>Predictions for every row of a row-major matrix (same arithmetic as <see cref="Predict"/>).</summary>
    public void PredictBatch(ReadOnlySpan<float> x, int rows, int cols, Span<double> output)
    {
        if (Forest is not null)
        {
            Forest.PredictBatch(x, rows, cols, output);
        }
        else
        {
            var w = LinearWeights!;
            for (var r = 0; r < rows; r++)
            {
                var row = x.Slice(r * cols, cols);
                var z = LinearBias;
                for (var i = 0; i < w.Length; i++)
                {
                    z += w[i] * row[i];
                }

                output[r] = z;
            }
        }

        for (var r = 0; r < rows; r++)
        {
            output[r] = TargetTransforms.Inverse(Transform, output[r]);
        }
    }
}

/// <summary>Conformal interval parameters: quantiles of residual/scale.</summary>
internal sealed record IntervalCalibration(int ScaleFeatureIndex, double Lo80, double Hi80, double Lo95, double Hi95, int CalibrationRows)
{
    /// <summary>Volatility scale for a row: player's recent std blended with a count-noise term.</summary>
    public double Scale(ReadOnlySpan<float> x, double pred)
    {
        double sd = x[ScaleFeatureIndex];
        return Math.Sqrt((0.5 * sd * sd) + (0.5 * Math.Max(pred, 0)) + 0.5);
    }
}

/// <summary>The ensemble for one stat.</summary>
internal sealed class StatModel
{
    public required StatKind Stat { get; init; }

    public required MemberModel[] Members { get; init; }

    public double[] Weights { get; set; } = [];

    public double Intercept { get; set; }

    public IntervalCalibration? Intervals { get; set; }

    /// <summary>
    /// Whether the point prediction is rounded to the nearest whole number. For a stat counted in whole numbers the
    /// median, which absolute error rewards, is itself a whole number (ADR 0023). Intervals stay computed from the
    /// unrounded score, are widened, if need be, to contain the point, and get whole-number bounds.
    /// </summary>
    public bool WholeNumber { get; set; }

    public double PredictPoint(ReadOnlySpan<float> x)
    {
        var s = Intercept;
        var members = Members;
        for (var i = 0; i < members.Length; i++)
        {
            if (Weights[i] != 0)
            {
                s += Weights[i] * members[i].Predict(x);
            }
        }

        return Math.Max(0, s);
    }

    public StatPrediction Predict(ReadOnlySpan<float> x) => WithInterval(x, PredictPoint(x), WholeNumber);

    /// <summary>
    /// Batch prediction; writes row r's prediction to destination[r * stride + offset]. With <paramref name="unrounded"/>
    /// the values are the continuous scores even when the model rounds (explanations decompose those).
    /// </summary>
    public void PredictBatch(ReadOnlySpan<float> x, int rows, int cols, Span<StatPrediction> destination, int stride, int offset, double[] acc, double[] tmp, bool unrounded = false)
    {
        acc.AsSpan(0, rows).Fill(Intercept);
        for (var i = 0; i < Members.Length; i++)
        {
            if (Weights[i] == 0)
            {
                continue;
            }

            Members[i].PredictBatch(x, rows, cols, tmp);
            var w = Weights[i];
            for (var r = 0; r < rows; r++)
            {
                acc[r] += w * tmp[r];
            }
        }

        for (var r = 0; r < rows; r++)
        {
            destination[(r * stride) + offset] = WithInterval(x.Slice(r * cols, cols), Math.Max(0, acc[r]), WholeNumber && !unrounded);
        }
    }

    private StatPrediction WithInterval(ReadOnlySpan<float> x, double p, bool round)
    {
        var point = round ? Math.Round(p, MidpointRounding.AwayFromZero) : p;
        var iv = Intervals;
        if (iv is null)
        {
            return new StatPrediction(Stat, (float)point, float.NaN, float.NaN, float.NaN, float.NaN);
        }

        var s = iv.Scale(x, p);
        return new StatPrediction(
            Stat,
            (float)point,
            (float)Lower(Math.Min(point, Math.Max(0, p + (iv.Lo80 * s)))),
            (float)Upper(Math.Max(point, p + (iv.Hi80 * s))),
            (float)Lower(Math.Min(point, Math.Max(0, p + (iv.Lo95 * s)))),
            (float)Upper(Math.Max(point, p + (iv.Hi95 * s))));

        // A whole-number outcome lies in [lo, hi] exactly when it lies in [⌈lo⌉, ⌊hi⌋]: the same coverage, stated
        // as the whole numbers it covers.
        double Lower(double bound) => round ? Math.Ceiling(bound) : bound;
        double Upper(double bound) => round ? Math.Floor(bound) : bound;
    }
}
