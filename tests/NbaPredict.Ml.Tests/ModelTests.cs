using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Evaluation;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Ml.Tests;

public class ModelTests(TrainedSliceFixture fx) : IClassFixture<TrainedSliceFixture>
{
    [Fact]
    public void Ensemble_beats_last10_and_season_baselines_on_held_out_slice()
    {
        var metrics = Evaluator.Evaluate(fx.Bundle, fx.Matrix, TrainedSliceFixture.TestFrom, TrainedSliceFixture.TestTo);
        foreach (var s in new[] { StatKind.Pts, StatKind.Reb, StatKind.Ast, StatKind.Min })
        {
            var m = metrics[s];
            Assert.True(m.Rows > 3000, $"{s}: {m.Rows} rows");
            Assert.True(m.Mae < m.BaselineLast10Mae * 0.99, $"{s}: MAE {m.Mae:F3} vs last-10 {m.BaselineLast10Mae:F3}");
            Assert.True(m.Mae < m.BaselineSeasonMae, $"{s}: MAE {m.Mae:F3} vs season {m.BaselineSeasonMae:F3}");
            Assert.True(m.R2 > 0.3, $"{s}: R² {m.R2:F3}");
        }
    }

    [Fact]
    public void Counted_stats_are_predicted_as_whole_numbers_inside_their_intervals_and_minutes_are_not()
    {
        var rows = fx.TestRows().Take(300).ToArray();
        var predicted = new StatPrediction[fx.Bundle.Stats.Count];
        var fractionalMinutes = 0;
        foreach (var row in rows)
        {
            fx.Bundle.Predict(fx.Matrix.Row(row), predicted);
            foreach (var p in predicted)
            {
                Assert.InRange(p.Value, p.Lo80, p.Hi80);
                Assert.InRange(p.Value, p.Lo95, p.Hi95);
                if (p.Stat == StatKind.Min)
                {
                    fractionalMinutes += p.Value != MathF.Round(p.Value) ? 1 : 0;
                }
                else
                {
                    Assert.Equal(MathF.Round(p.Value), p.Value);
                    Assert.Equal([MathF.Round(p.Lo80), MathF.Round(p.Hi80), MathF.Round(p.Lo95), MathF.Round(p.Hi95)], [p.Lo80, p.Hi80, p.Lo95, p.Hi95]);
                }
            }
        }

        Assert.True(fractionalMinutes > rows.Length / 2, $"only {fractionalMinutes} of {rows.Length} minute predictions are fractional");
        Assert.All(fx.Bundle.Models, m => Assert.Equal(m.Stat != StatKind.Min, m.WholeNumber));

        // The batch path (slates, evaluate) rounds exactly as the single-row path does.
        var batch = fx.Bundle.PredictBatch(new FeatureMatrix([.. rows.SelectMany(r => fx.Matrix.Row(r).ToArray())], rows.Length, FeatureSchema.Count));
        fx.Bundle.Predict(fx.Matrix.Row(rows[^1]), predicted);
        Assert.Equal(predicted, batch.AsSpan((rows.Length - 1) * predicted.Length, predicted.Length).ToArray());
    }

    [Fact]
    public void Rounding_counted_stats_lowers_their_held_out_error_and_keeps_interval_coverage_in_narrower_intervals()
    {
        // The same ensemble unrounded, to show that rounding is what absolute error rewards on whole-number outcomes.
        var rows = fx.TestRows().Where(i => fx.Matrix.Values[(i * FeatureSchema.Count) + FeatureSchema.IndexOf("c_has_history")] > 0).ToArray();
        foreach (var model in fx.Bundle.Models.Where(m => m.WholeNumber && m.Stat is StatKind.Reb or StatKind.Ast or StatKind.Stl or StatKind.Tov))
        {
            var rounded = Evaluator.EvaluateRows(fx.Matrix, rows, model);
            model.WholeNumber = false;
            try
            {
                var unrounded = Evaluator.EvaluateRows(fx.Matrix, rows, model);
                Assert.True(rounded.Mae < unrounded.Mae, $"{model.Stat}: rounded MAE {rounded.Mae:F4}, unrounded {unrounded.Mae:F4}");

                // Whole-number bounds cover the same outcomes; only an interval widened to hold the point covers more.
                Assert.InRange(rounded.Coverage80 - unrounded.Coverage80, 0, 0.05);
                Assert.InRange(rounded.Coverage95 - unrounded.Coverage95, 0, 0.05);
                Assert.True(rounded.MeanWidth80 < unrounded.MeanWidth80, $"{model.Stat}: width80 {rounded.MeanWidth80:F3} vs {unrounded.MeanWidth80:F3}");
            }
            finally
            {
                model.WholeNumber = true;
            }
        }
    }

    [Fact]
    public void Intervals_cover_near_nominal_on_held_out_slice()
    {
        var metrics = Evaluator.Evaluate(fx.Bundle, fx.Matrix, TrainedSliceFixture.TestFrom, TrainedSliceFixture.TestTo);
        foreach (var s in new[] { StatKind.Pts, StatKind.Reb, StatKind.Ast, StatKind.Min })
        {
            var m = metrics[s];
            Assert.InRange(m.Coverage80, 0.74, 0.88);
            Assert.InRange(m.Coverage95, 0.91, 0.985);
            Assert.True(m.MeanWidth95 > m.MeanWidth80, s.ToString());
        }
    }

    [Fact]
    public void Ensemble_has_all_four_member_kinds_and_stacking_helps_or_ties()
    {
        var pts = fx.Bundle.Models.Single(m => m.Stat == StatKind.Pts);
        Assert.Equal(
            [MemberKind.LightGbmL1, MemberKind.LightGbm, MemberKind.FastTree, MemberKind.FastForest, MemberKind.Linear],
            pts.Members.Select(m => m.Kind).ToArray());
        Assert.All(pts.Weights, w => Assert.True(w >= 0));
        Assert.True(pts.Weights.Sum() > 0.5);
    }

    [Fact]
    public void Driver_contributions_of_a_trained_ensemble_add_up_and_follow_recent_form()
    {
        var row = fx.TestRows().First(i => fx.Matrix.Records[i].Pts >= 10);
        var x = fx.Matrix.Row(row).ToArray();
        var explanation = fx.Bundle.Explain(x, StatKind.Pts)!;
        var predicted = new StatPrediction[fx.Bundle.Stats.Count];
        fx.Bundle.Predict(x, predicted);
        // The drivers decompose the continuous score; points are served as that score rounded (ADR 0023).
        Assert.Equal(predicted[0].Value, Math.Round(explanation.Prediction, MidpointRounding.AwayFromZero), 3);
        Assert.Equal(explanation.Prediction, explanation.BaselinePrediction + explanation.Drivers.Sum(d => d.Contribution), 2);

        // A much hotter last few weeks (every recent points feature up by 8) must raise the recent-form share.
        foreach (var name in new[] { "p_mean3_pts", "p_mean5_pts", "p_mean10_pts", "p_ewma_pts", "p_last_pts" })
        {
            x[FeatureSchema.IndexOf(name)] += 8;
        }

        var hotter = fx.Bundle.Explain(x, StatKind.Pts)!;
        double Form(NbaPredict.Ml.Explanation.PredictionExplanation e) =>
            e.Drivers.Single(d => d.Group == NbaPredict.Ml.Explanation.DriverGroup.RecentForm).Contribution;
        Assert.True(Form(hotter) > Form(explanation) + 1, $"recent form {Form(explanation):F2} → {Form(hotter):F2}");
        Assert.True(hotter.Prediction > explanation.Prediction);
    }

    [Fact]
    public void Save_load_round_trip_gives_identical_predictions_and_manifest()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nbapredict-ml-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            fx.Bundle.Save(dir);
            Assert.True(File.Exists(Path.Combine(dir, "manifest.json")));
            Assert.Equal(41, Directory.GetFiles(dir).Length); // 4 stats x (5 members + 4 ONNX copies of the ML.NET members + 1 known-absence member) + manifest
            var loaded = ModelBundle.Load(dir);
            Assert.Equal(FeatureSchema.Version, loaded.Manifest.FeatureSchemaVersion);
            Assert.Equal(fx.Plan.TrainFrom, loaded.Manifest.TrainFrom);
            Assert.Equal(fx.Bundle.Manifest.DataHash, loaded.Manifest.DataHash);
            Assert.Equal(64, loaded.Manifest.DataHash.Length);
            Assert.Equal(fx.Options.LightGbmIterations, loaded.Manifest.Options.LightGbmIterations);
            Assert.True(loaded.Manifest.ValidationMetrics["Pts"].Mae > 0);

            Span<StatPrediction> a = stackalloc StatPrediction[4];
            Span<StatPrediction> b = stackalloc StatPrediction[4];
            foreach (var i in fx.TestRows().Take(500))
            {
                fx.Bundle.Predict(fx.Matrix.Row(i), a);
                loaded.Predict(fx.Matrix.Row(i), b);
                for (var k = 0; k < 4; k++)
                {
                    Assert.Equal(a[k], b[k]);
                }
            }

            // the compact tree evaluator agrees with ML.NET's own scoring of the loaded zip
            var ml = new MLContext(1);
            var model = ml.Model.Load(Path.Combine(dir, "pts.lightgbm.zip"), out _);
            var rows = fx.TestRows().Take(200).Select(i => new ModelTrainer.MlRow { Features = fx.Matrix.Row(i).ToArray() }).ToArray();
            var schemaDef = SchemaDefinition.Create(typeof(ModelTrainer.MlRow));
            schemaDef[nameof(ModelTrainer.MlRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureSchema.Count);
            var scores = model.Transform(ml.Data.LoadFromEnumerable(rows, schemaDef)).GetColumn<float>("Score").ToArray();
            var member = loaded.Models[0].Members[1];
            for (var r = 0; r < rows.Length; r++)
            {
                Assert.Equal(scores[r], member.Forest!.Predict(rows[r].Features), 3);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Loading_a_bundle_with_another_feature_schema_version_throws()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nbapredict-ml-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            fx.Bundle.Save(dir);
            var path = Path.Combine(dir, "manifest.json");
            var json = JsonNode.Parse(File.ReadAllText(path))!;
            json["FeatureSchemaVersion"] = "r0-000000000000";
            File.WriteAllText(path, json.ToJsonString());
            var ex = Assert.Throws<FeatureSchemaMismatchException>(() => ModelBundle.Load(dir));
            Assert.Contains("r0-000000000000", ex.Message, StringComparison.Ordinal);
            Assert.Contains(FeatureSchema.Version, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Predicting_a_slate_from_the_store_matches_single_row_predictions()
    {
        var date = TrainedSliceFixture.TestTo; // the store has ingested everything before this date
        var recent = fx.Matrix.Records.Where(r => r.Date >= date.AddDays(-3)).ToList();
        var slate = recent.DistinctBy(r => r.PlayerId).Take(250)
            .Select(r => new PlayerGameQuery(r.PlayerId, r.TeamCode, r.OpponentCode, r.Home, date)).ToList();
        Assert.True(slate.Count >= 100);
        var preds = fx.Bundle.PredictSlate(fx.Store, slate);
        Assert.Equal(slate.Count, preds.Count);
        Assert.All(preds, p =>
        {
            Assert.Equal(4, p.Stats.Count);
            Assert.All(p.Stats, s => Assert.True(s.Lo95 <= s.Lo80 && s.Lo80 <= s.Value + 1e-3 && s.Value <= s.Hi80 + 1e-3 && s.Hi80 <= s.Hi95));
        });
        // the batch (tree-major) path gives exactly the single-row results
        var x = new float[FeatureSchema.Count];
        Span<StatPrediction> one = stackalloc StatPrediction[4];
        for (var i = 0; i < slate.Count; i += 7)
        {
            fx.Store.Featurize(slate[i], x);
            fx.Bundle.Predict(x, one);
            for (var k = 0; k < 4; k++)
            {
                Assert.Equal(one[k], preds[i].Stats[k]);
            }
        }
    }

    [Fact]
    public void Low_count_intervals_are_calibrated_above_nominal_by_the_margin()
    {
        // The linear member alone keeps this fast; the interval logic does not depend on the members.
        var options = TrainingOptions.Quick with { Stats = [StatKind.Blk, StatKind.Stl, StatKind.Pts], Members = [MemberKind.Linear] };
        var withMargin = ModelTrainer.Train(fx.Matrix, fx.Plan, options);
        var without = ModelTrainer.Train(fx.Matrix, fx.Plan, options with { LowCountMargin80 = 0, LowCountMargin95 = 0 });

        // The conformal half of the calibration window (odd game days): the rows the quantiles were fitted on.
        var conformalRows = Enumerable.Range(0, fx.Matrix.Rows)
            .Where(i => fx.Matrix.Records[i].Date >= fx.Plan.CalibrationFrom && fx.Matrix.Records[i].Date < fx.Plan.CalibrationTo
                && fx.Matrix.Records[i].Date.DayNumber % 2 != 0)
            .ToArray();
        foreach (var stat in new[] { StatKind.Blk, StatKind.Stl })
        {
            var m = Evaluator.EvaluateRows(fx.Matrix, conformalRows, withMargin.Models.Single(x => x.Stat == stat));
            var plain = Evaluator.EvaluateRows(fx.Matrix, conformalRows, without.Models.Single(x => x.Stat == stat));
            Assert.True(m.Coverage80 >= 0.825, $"{stat}: 80% interval covers {m.Coverage80:P1} of its calibration rows");
            Assert.True(m.Coverage95 >= 0.965, $"{stat}: 95% interval covers {m.Coverage95:P1} of its calibration rows");
            Assert.True(m.MeanWidth80 > plain.MeanWidth80, $"{stat}: width80 {m.MeanWidth80:F3} vs {plain.MeanWidth80:F3} without the margin");
        }

        // Points are not a low count: the margin leaves them alone.
        var pts = Evaluator.EvaluateRows(fx.Matrix, conformalRows, withMargin.Models.Single(x => x.Stat == StatKind.Pts));
        var ptsPlain = Evaluator.EvaluateRows(fx.Matrix, conformalRows, without.Models.Single(x => x.Stat == StatKind.Pts));
        Assert.Equal(ptsPlain.MeanWidth80, pts.MeanWidth80, 6);
    }

    [Fact]
    public void Refitting_on_the_calibration_season_keeps_weights_and_intervals_and_changes_the_members()
    {
        var options = TrainingOptions.Quick with { Stats = [StatKind.Pts], Members = [MemberKind.LightGbmL1, MemberKind.Linear] };
        Assert.False(options.RefitOnCalibration);
        var first = ModelTrainer.Train(fx.Matrix, fx.Plan, options);
        var refit = ModelTrainer.Train(fx.Matrix, fx.Plan, options with { RefitOnCalibration = true });

        var calibrationRows = fx.Matrix.Records.Count(r => r.Date >= fx.Plan.CalibrationFrom && r.Date < fx.Plan.CalibrationTo);
        Assert.Null(first.Manifest.RefittedThrough);
        Assert.Equal(fx.Plan.CalibrationTo, refit.Manifest.RefittedThrough);
        Assert.Equal(first.Manifest.TrainingRows + calibrationRows, refit.Manifest.TrainingRows);

        // Stacking and conformal quantiles come from the first fit; only the members learn the newer season.
        var a = first.Models.Single();
        var b = refit.Models.Single();
        Assert.Equal(a.Weights, b.Weights);
        Assert.Equal(a.Intervals, b.Intervals);
        Assert.Equal(first.Manifest.ValidationMetrics["Pts"].Mae, refit.Manifest.ValidationMetrics["Pts"].Mae, 9);
        var changed = fx.TestRows().Take(200).Count(i => Math.Abs(a.PredictPoint(fx.Matrix.Row(i)) - b.PredictPoint(fx.Matrix.Row(i))) > 1e-4);
        Assert.True(changed > 150, $"only {changed} of 200 predictions moved after the refit");

        var dir = Path.Combine(Path.GetTempPath(), "nbapredict-ml-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            refit.Save(dir);
            var loaded = ModelBundle.Load(dir);
            Assert.Equal(fx.Plan.CalibrationTo, loaded.Manifest.RefittedThrough);
            var row = fx.TestRows().First();
            Assert.Equal(b.PredictPoint(fx.Matrix.Row(row)), loaded.Models.Single().PredictPoint(fx.Matrix.Row(row)), 5);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Saved_ML_NET_members_have_ONNX_copies_that_score_like_the_ensemble_members()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nbapredict-ml-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            fx.Bundle.Save(dir);
            var manifest = ModelBundle.ReadManifest(dir);
            var rows = fx.TestRows().Take(40).ToArray();
            var f = FeatureSchema.Count;
            var checkedMembers = 0;
            foreach (var stat in manifest.Stats)
            {
                var model = fx.Bundle.Models.Single(m => m.Stat == stat.Stat);
                for (var j = 0; j < stat.Members.Count; j++)
                {
                    var entry = stat.Members[j];
                    if (entry.Kind == MemberKind.LightGbmL1)
                    {
                        Assert.Null(entry.OnnxFile); // no ML.NET converter; its LightGBM text model is the portable form
                        continue;
                    }

                    Assert.NotNull(entry.OnnxFile);
                    var member = model.Members[j];
                    var input = new float[rows.Length * f];
                    for (var r = 0; r < rows.Length; r++)
                    {
                        var x = fx.Matrix.Row(rows[r]);
                        for (var c = 0; c < f; c++)
                        {
                            input[(r * f) + c] = entry.Kind == MemberKind.Linear ? (x[c] - manifest.LinearFeatureMean[c]) / manifest.LinearFeatureStd[c] : x[c];
                        }
                    }

                    using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(Path.Combine(dir, entry.OnnxFile!));
                    var inputName = session.InputMetadata.Keys.Single(k => k.StartsWith("Features", StringComparison.Ordinal));
                    var feeds = session.InputMetadata.Keys.Select(k => k == inputName
                        ? Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(k, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(input, [rows.Length, f]))
                        : Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(k, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(new float[rows.Length], [rows.Length, 1]))).ToList();
                    using var results = session.Run(feeds);
                    var score = results.First(v => v.Name.StartsWith("Score", StringComparison.Ordinal)).AsEnumerable<float>().ToArray();
                    Assert.Equal(rows.Length, score.Length);
                    for (var r = 0; r < rows.Length; r++)
                    {
                        var expected = member.Predict(fx.Matrix.Row(rows[r]));
                        var actual = TargetTransforms.Inverse(member.Transform, score[r]);
                        Assert.True(Math.Abs(expected - actual) < 1e-3 * Math.Max(1, Math.Abs(expected)), $"{stat.Stat} {entry.Kind} row {r}: ONNX {actual} vs {expected}");
                    }

                    checkedMembers++;
                }
            }

            Assert.Equal(fx.Bundle.Stats.Count * 4, checkedMembers);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
