using System.Text.Json.Nodes;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Evaluation;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Ml.Tests;

public class KnownAbsenceModelTests(TrainedSliceFixture fx) : IClassFixture<TrainedSliceFixture>
{
    [Fact]
    public void Featurizing_with_known_absences_changes_only_the_rotation_features_and_reads_only_who_played_that_day()
    {
        var records = fx.Matrix.Records;
        var known = FeatureStore.BuildHistoricalWithKnownAbsences(records);
        Assert.Equal(fx.Matrix.Rows, known.Rows);
        var absentCount = FeatureSchema.IndexOf("r_rotation_absent_count");
        var playerOnly = new[] { "p_mean10_pts", "p_ewma_ast", "p_season_mean_reb", "c_player_rest_days", "o_pace10" }
            .Where(n => FeatureSchema.Names.Contains(n)).Select(FeatureSchema.IndexOf).ToArray();
        Assert.True(playerOnly.Length >= 4);
        var differ = 0;
        for (var i = 0; i < known.Rows; i++)
        {
            foreach (var j in playerOnly)
            {
                Assert.Equal(fx.Matrix.Row(i)[j], known.Row(i)[j]);
            }

            differ += fx.Matrix.Row(i)[absentCount] != known.Row(i)[absentCount] ? 1 : 0;
        }

        Assert.True(differ > known.Rows / 10, $"the day's absences differ from the last game's on only {differ} of {known.Rows} rows");

        // Drop a rotation player's line from one of his team's games: his teammates' rows of that day now count him
        // out, although he played the team's previous game (so the history-only features still count him in).
        var day = TrainedSliceFixture.TestFrom.AddDays(10);
        var dropped = records.Where(r => r.Date == day).OrderByDescending(r => r.Minutes).First();
        var without = records.Where(r => r != dropped).ToList();
        var knownWithout = FeatureStore.BuildHistoricalWithKnownAbsences(without);
        var (_, historyWithout) = FeatureStore.BuildHistorical(without);
        var teammate = without.FindIndex(r => r.Date == day && r.TeamCode == dropped.TeamCode);
        var before = IndexOf(records, without[teammate]);
        Assert.Equal(known.Row(before)[absentCount] + 1, knownWithout.Row(teammate)[absentCount]);
        Assert.Equal(fx.Matrix.Row(before).ToArray(), historyWithout.Row(teammate).ToArray());
    }

    [Fact]
    public void The_known_absence_model_round_trips_and_is_used_only_when_absences_are_named()
    {
        Assert.True(fx.Bundle.HasKnownAbsenceModel);
        Assert.Equal(fx.Bundle.Stats.Count, fx.Bundle.Manifest.KnownAbsenceValidationMetrics.Count);
        var known = FeatureStore.BuildHistoricalWithKnownAbsences(fx.Matrix.Records);
        var rows = fx.TestRows().Take(300).ToArray();
        var n = fx.Bundle.Stats.Count;
        var ensemble = new StatPrediction[n];
        var absenceAware = new StatPrediction[n];
        var loadedAware = new StatPrediction[n];
        var dir = Path.Combine(Path.GetTempPath(), "nbapredict-ml-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            fx.Bundle.Save(dir);
            var loaded = ModelBundle.Load(dir);
            Assert.True(loaded.HasKnownAbsenceModel);
            for (var s = 0; s < n; s++)
            {
                // the ensemble's members, written once, plus one L1 member of its own
                var own = loaded.Manifest.KnownAbsenceStats[s].Members.Select(e => e.File).ToList();
                Assert.Equal([.. loaded.Manifest.Stats[s].Members.Select(e => e.File), $"known-absence.{fx.Bundle.Stats[s].ToString().ToLowerInvariant()}.lightgbml1.txt"], own);
            }

            var moved = 0;
            foreach (var i in rows)
            {
                fx.Bundle.Predict(known.Row(i), ensemble);
                fx.Bundle.PredictWithKnownAbsences(known.Row(i), absenceAware);
                loaded.PredictWithKnownAbsences(known.Row(i), loadedAware);
                Assert.Equal(absenceAware, loadedAware);
                moved += Math.Abs(ensemble[0].Value - absenceAware[0].Value) > 1e-3 ? 1 : 0;
            }

            Assert.True(moved > rows.Length * 9 / 10, $"only {moved} of {rows.Length} predictions differ from the ensemble's");

            // A bundle saved before the known-absence model existed loads without one and falls back to the ensemble.
            var manifestPath = Path.Combine(dir, "manifest.json");
            var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
            manifest.Remove("KnownAbsenceStats");
            manifest.Remove("KnownAbsenceValidationMetrics");
            File.WriteAllText(manifestPath, manifest.ToJsonString());
            var old = ModelBundle.Load(dir);
            Assert.False(old.HasKnownAbsenceModel);
            old.PredictWithKnownAbsences(known.Row(rows[0]), loadedAware);
            fx.Bundle.Predict(known.Row(rows[0]), ensemble);
            Assert.Equal(ensemble, loadedAware);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void With_each_games_real_absences_the_known_absence_model_beats_the_ensemble_and_its_intervals_hold()
    {
        var known = FeatureStore.BuildHistoricalWithKnownAbsences(fx.Matrix.Records);
        var rows = fx.TestRows().ToArray();
        var n = fx.Bundle.Stats.Count;
        var p = new StatPrediction[n];
        var aware = new double[n];
        var ensembleSameFeatures = new double[n];
        var covered80 = new int[n];
        foreach (var i in rows)
        {
            var record = fx.Matrix.Records[i];
            fx.Bundle.PredictWithKnownAbsences(known.Row(i), p);
            for (var s = 0; s < n; s++)
            {
                var actual = StatKinds.Get(record, fx.Bundle.Stats[s]);
                aware[s] += Math.Abs(actual - p[s].Value);
                covered80[s] += actual >= p[s].Lo80 && actual <= p[s].Hi80 ? 1 : 0;
            }

            fx.Bundle.Predict(known.Row(i), p);
            for (var s = 0; s < n; s++)
            {
                ensembleSameFeatures[s] += Math.Abs(StatKinds.Get(record, fx.Bundle.Stats[s]) - p[s].Value);
            }
        }

        var history = Evaluator.Evaluate(fx.Bundle, fx.Matrix, TrainedSliceFixture.TestFrom, TrainedSliceFixture.TestTo);
        for (var s = 0; s < n; s++)
        {
            var stat = fx.Bundle.Stats[s];
            var mae = aware[s] / rows.Length;
            Assert.True(mae < ensembleSameFeatures[s] / rows.Length, $"{stat}: {mae:F3} vs the ensemble fed the same features {ensembleSameFeatures[s] / rows.Length:F3}");
            Assert.True(mae < history[stat].Mae, $"{stat}: {mae:F3} vs the history ensemble {history[stat].Mae:F3}");
            Assert.InRange((double)covered80[s] / rows.Length, 0.74, 0.88);
        }
    }

    private static int IndexOf(IReadOnlyList<PlayerGameRecord> records, PlayerGameRecord record)
    {
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i] == record)
            {
                return i;
            }
        }

        throw new InvalidOperationException("record not found");
    }
}
