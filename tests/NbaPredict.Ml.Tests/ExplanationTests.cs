using NbaPredict.Ml.Data;
using NbaPredict.Ml.Explanation;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Ml.Tests;

/// <summary>
/// Driver contributions on a hand-built ensemble whose true effects are known: a linear member (recent points,
/// home court) stacked with a one-split tree on the opponent's points allowed.
/// </summary>
public class ExplanationTests
{
    private static readonly int Recent = FeatureSchema.IndexOf("p_mean5_pts");
    private static readonly int Home = FeatureSchema.IndexOf("c_home");
    private static readonly int OppAllowed = FeatureSchema.IndexOf("o_pts_allowed_rel");
    private static readonly int Rest = FeatureSchema.IndexOf("c_player_rest_days");

    [Fact]
    public void Every_feature_belongs_to_a_readable_group()
    {
        Assert.Equal(DriverGroup.RecentForm, DriverGroups.Of(Recent));
        Assert.Equal(DriverGroup.HomeAway, DriverGroups.Of(Home));
        Assert.Equal(DriverGroup.OpponentDefence, DriverGroups.Of(OppAllowed));
        Assert.Equal(DriverGroup.Rest, DriverGroups.Of(Rest));
        Assert.Equal(DriverGroup.SeasonAverage, DriverGroups.Classify("p_season_mean_pts"));
        Assert.Equal(DriverGroup.MinutesRole, DriverGroups.Classify("r_proj_min"));
        Assert.Equal(DriverGroup.TeammatesMissing, DriverGroups.Classify("r_rotation_absent_minutes"));
        // Every group is used, so none of the eight labels is dead weight in an explanation.
        Assert.Equal(DriverGroups.Count, Enumerable.Range(0, FeatureSchema.Count).Select(DriverGroups.Of).Distinct().Count());
    }

    [Fact]
    public void Contributions_add_up_to_the_prediction_and_match_the_known_effects()
    {
        var bundle = Bundle();
        var x = Baseline();
        x[Recent] = 20;    // 8 above the mean, weight 0.5 → +4
        x[Home] = 1;       // 0.5 above the mean, weight 2 → +1
        x[OppAllowed] = 1.1f; // tree: 3 points more than at the mean (0.95)

        var explanation = bundle.Explain(x, StatKind.Pts)!;
        var byGroup = explanation.Drivers.ToDictionary(d => d.Group);

        var predicted = new StatPrediction[1];
        bundle.Predict(x, predicted);
        Assert.Equal(predicted[0].Value, explanation.Prediction, 3);
        Assert.Equal(explanation.Prediction, explanation.BaselinePrediction + explanation.Drivers.Sum(d => d.Contribution), 3);
        Assert.Equal(4, byGroup[DriverGroup.RecentForm].Contribution, 3);
        Assert.Equal(1, byGroup[DriverGroup.HomeAway].Contribution, 3);
        Assert.Equal(3, byGroup[DriverGroup.OpponentDefence].Contribution, 3);
        Assert.Equal(0, byGroup[DriverGroup.Rest].Contribution, 6);
        Assert.Equal(DriverGroup.RecentForm, explanation.Drivers[0].Group); // largest first
        Assert.Equal("p_mean5_pts", Assert.Single(byGroup[DriverGroup.RecentForm].TopFeatures).Feature);
    }

    [Fact]
    public void Contributions_move_with_the_feature_that_changed()
    {
        var bundle = Bundle();
        var x = Baseline();
        var before = bundle.Explain(x, StatKind.Pts)!.Drivers.ToDictionary(d => d.Group, d => d.Contribution);

        x[Recent] = 4;        // cold streak
        x[OppAllowed] = 1.2f; // generous defence
        var after = bundle.Explain(x, StatKind.Pts)!.Drivers.ToDictionary(d => d.Group, d => d.Contribution);

        Assert.True(after[DriverGroup.RecentForm] < before[DriverGroup.RecentForm]);
        Assert.True(after[DriverGroup.RecentForm] < 0, "below-average form pulls the prediction down");
        Assert.True(after[DriverGroup.OpponentDefence] > before[DriverGroup.OpponentDefence]);
        Assert.Equal(before[DriverGroup.HomeAway], after[DriverGroup.HomeAway], 6);
    }

    [Fact]
    public void A_rounding_model_serves_the_whole_number_and_explains_the_score_it_rounds()
    {
        var bundle = Bundle(wholeNumber: true);
        var x = Baseline();
        x[Recent] = 20.6f;
        x[Home] = 1;

        var explanation = bundle.Explain(x, StatKind.Pts)!;
        var predicted = new StatPrediction[1];
        bundle.Predict(x, predicted);

        // Score: 3 + 0.5·20.6 + 2·1 − 10 + 10 (tree, opponent at the mean) = 15.3, served as 15.
        Assert.Equal(15.3, explanation.Prediction, 3);
        Assert.Equal(15f, predicted[0].Value);
        Assert.Equal(explanation.Prediction, explanation.BaselinePrediction + explanation.Drivers.Sum(d => d.Contribution), 3);
    }

    [Fact]
    public void A_bundle_without_baseline_or_stat_explains_nothing()
    {
        var bundle = Bundle(withBaseline: false);
        Assert.Null(bundle.Explain(Baseline(), StatKind.Pts));
        Assert.Null(Bundle().Explain(Baseline(), StatKind.Reb));
    }

    private static float[] Baseline()
    {
        var mean = new float[FeatureSchema.Count];
        mean[Recent] = 12;
        mean[Home] = 0.5f;
        mean[OppAllowed] = 0.95f;
        mean[Rest] = 2;
        return mean;
    }

    private static ModelBundle Bundle(bool withBaseline = true, bool wholeNumber = false)
    {
        var weights = new double[FeatureSchema.Count];
        weights[Recent] = 0.5;
        weights[Home] = 2;
        var linear = new MemberModel { Kind = MemberKind.Linear, Transform = TargetTransform.Identity, LinearWeights = weights, LinearBias = 3 };
        var tree = CompactForest.FromSpecs([new CompactForest.TreeSpec([OppAllowed], [1.0], [~0], [~1], [10, 13])], 0);
        var model = new StatModel
        {
            Stat = StatKind.Pts,
            Members = [linear, new MemberModel { Kind = MemberKind.LightGbmL1, Transform = TargetTransform.Identity, Forest = tree }],
            Weights = [1, 1],
            Intercept = -10,
            WholeNumber = wholeNumber,
        };
        return new ModelBundle(new BundleManifest { TrainingFeatureMean = withBaseline ? Baseline() : [] }, [model]);
    }
}
