using System.Numerics;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Ml.Explanation;

/// <summary>One feature's effect: the prediction minus the prediction with only this feature set to its baseline.</summary>
public sealed record FeatureEffect(string Feature, double Value, double Baseline, double Contribution);

/// <summary>A driver group's signed contribution to one stat's prediction, in the stat's own units.</summary>
public sealed record DriverContribution(DriverGroup Group, string Label, double Contribution, IReadOnlyList<FeatureEffect> TopFeatures);

/// <summary>
/// Why one stat's prediction is what it is: <see cref="BaselinePrediction"/> (an average training row) plus the
/// driver contributions equals <see cref="Prediction"/> exactly (up to float rounding). <see cref="Prediction"/> is the
/// model's continuous score: a stat the model rounds to a whole number is served as that score rounded (ADR 0023),
/// since a step function would give every driver a contribution of zero or one.
/// </summary>
public sealed record PredictionExplanation(StatKind Stat, double Prediction, double BaselinePrediction, IReadOnlyList<DriverContribution> Drivers);

/// <summary>
/// Exact Shapley values over the <see cref="DriverGroup"/>s of the whole stacked ensemble (every member, the
/// stacking weights and the clip at zero), with absent groups set to the training means: 2^8 = 256 predictions,
/// evaluated tree-major in one batch. Each group also names its most influential features (one-at-a-time
/// occlusion). Model-agnostic, so it explains the ensemble rather than one member.
/// </summary>
internal static class PredictionExplainer
{
    private static readonly double[] ShapleyWeight = BuildWeights(DriverGroups.Count);

    public static PredictionExplanation Explain(StatModel model, ReadOnlySpan<float> x, ReadOnlySpan<float> baseline, int topFeatures)
    {
        var f = FeatureSchema.Count;
        var groups = DriverGroups.Count;
        var coalitions = 1 << groups;
        var occluded = new List<int>(f);
        for (var j = 0; j < f; j++)
        {
            if (x[j] != baseline[j])
            {
                occluded.Add(j);
            }
        }

        var rows = coalitions + occluded.Count;
        var matrix = new float[rows * f];
        for (var mask = 0; mask < coalitions; mask++)
        {
            var row = matrix.AsSpan(mask * f, f);
            for (var j = 0; j < f; j++)
            {
                row[j] = (mask & (1 << (int)DriverGroups.Of(j))) != 0 ? x[j] : baseline[j];
            }
        }

        for (var k = 0; k < occluded.Count; k++)
        {
            var row = matrix.AsSpan((coalitions + k) * f, f);
            x[..f].CopyTo(row);
            row[occluded[k]] = baseline[occluded[k]];
        }

        var predictions = new StatPrediction[rows];
        model.PredictBatch(matrix, rows, f, predictions, 1, 0, new double[rows], new double[rows], unrounded: true);
        var full = predictions[coalitions - 1].Value;

        var effects = new List<FeatureEffect>[groups];
        for (var g = 0; g < groups; g++)
        {
            effects[g] = [];
        }

        for (var k = 0; k < occluded.Count; k++)
        {
            var j = occluded[k];
            var effect = full - predictions[coalitions + k].Value;
            if (effect != 0)
            {
                effects[(int)DriverGroups.Of(j)].Add(new FeatureEffect(FeatureSchema.Names[j], x[j], baseline[j], effect));
            }
        }

        var drivers = new List<DriverContribution>(groups);
        for (var g = 0; g < groups; g++)
        {
            var bit = 1 << g;
            double phi = 0;
            for (var mask = 0; mask < coalitions; mask++)
            {
                if ((mask & bit) == 0)
                {
                    phi += ShapleyWeight[BitOperations.PopCount((uint)mask)] * (predictions[mask | bit].Value - (double)predictions[mask].Value);
                }
            }

            var group = (DriverGroup)g;
            var top = effects[g].OrderByDescending(e => Math.Abs(e.Contribution)).Take(topFeatures).ToList();
            drivers.Add(new DriverContribution(group, DriverGroups.Label(group), phi, top));
        }

        drivers.Sort((a, b) => Math.Abs(b.Contribution).CompareTo(Math.Abs(a.Contribution)));
        return new PredictionExplanation(model.Stat, full, predictions[0].Value, drivers);
    }

    /// <summary>|S|!(n−|S|−1)!/n! for coalition sizes 0..n−1.</summary>
    private static double[] BuildWeights(int n)
    {
        static double Factorial(int k) => k <= 1 ? 1 : k * Factorial(k - 1);
        return [.. Enumerable.Range(0, n).Select(s => Factorial(s) * Factorial(n - s - 1) / Factorial(n))];
    }
}
