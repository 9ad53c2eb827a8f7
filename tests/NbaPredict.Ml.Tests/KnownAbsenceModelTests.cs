using System.Text.Json.Nodes;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Evaluation;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Ml.Tests;

public class KnownAbsenceModelTests(TrainedSliceFixture fx) : IClassFixture<TrainedSliceFixture>
{
    private int MinutesIndex => fx.Bundle.Stats.ToList().IndexOf(StatKind.Min);

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
                moved += Math.Abs(ensemble[MinutesIndex].Value - absenceAware[MinutesIndex].Value) > 1e-3 ? 1 : 0; // minutes are never rounded
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

    [Fact]
    public void Walking_forward_with_inactive_lists_uses_the_known_absence_model_for_the_games_they_name()
    {
        var records = fx.Matrix.Records;
        var evaluated = records.Where(r => r.Date >= TrainedSliceFixture.TestFrom).ToList();
        var history = records.Where(r => r.Date < TrainedSliceFixture.TestFrom).ToList();
        var lists = KnownAbsences.FromBoxScores(records);
        var named = evaluated.Where(r => r.Date.Day % 2 == 0).Select(r => (r.GameId, r.TeamCode)).Distinct().ToDictionary(k => k, k => lists[k]);

        var plain = new Dictionary<(string, int), StatPrediction[]>();
        var withLists = new Dictionary<(string, int), StatPrediction[]>();
        var historyOnly = WalkForwardEvaluator.Run(fx.Bundle, history, evaluated, row => plain[(row.Actual.GameId, row.Actual.PlayerId)] = row.Predictions.ToArray());
        var withAbsences = WalkForwardEvaluator.Run(fx.Bundle, history, evaluated, row => withLists[(row.Actual.GameId, row.Actual.PlayerId)] = row.Predictions.ToArray(), namedAbsences: named);

        Assert.Equal(historyOnly.RowsEvaluated, withAbsences.RowsEvaluated);
        var changed = 0;
        var namedRows = 0;
        foreach (var r in evaluated.Where(r => r.Minutes > 0))
        {
            var key = (r.GameId, r.PlayerId);
            if (named.ContainsKey((r.GameId, r.TeamCode)))
            {
                namedRows++;
                changed += plain[key][MinutesIndex].Value != withLists[key][MinutesIndex].Value ? 1 : 0; // minutes are never rounded
            }
            else
            {
                Assert.Equal(plain[key], withLists[key]); // games without a list stay on the history path
            }
        }

        Assert.True(changed > namedRows * 9 / 10, $"{changed} of {namedRows} named rows changed");
        Assert.True(withAbsences.WithHistory[StatKind.Min].Mae < historyOnly.WithHistory[StatKind.Min].Mae);
    }

    [Fact]
    public void Inactive_lists_round_trip_through_csv_and_a_bad_row_is_named_by_its_line()
    {
        var lists = KnownAbsences.FromBoxScores(fx.Matrix.Records.Where(r => r.Date < TrainedSliceFixture.TestFrom));
        using var writer = new StringWriter();
        KnownAbsences.Write(writer, lists);
        var read = KnownAbsences.Read(new StringReader(writer.ToString()));
        Assert.Equal(lists.Where(kv => kv.Value.Length > 0).OrderBy(kv => kv.Key).Select(kv => (kv.Key, string.Join(' ', kv.Value))),
            read.OrderBy(kv => kv.Key).Select(kv => (kv.Key, string.Join(' ', kv.Value))));

        InvalidDataException Bad(string text) => Assert.Throws<InvalidDataException>(() => KnownAbsences.Read(new StringReader(text)));
        Assert.StartsWith("line 1: expected the header", Bad("game,team,player\n").Message, StringComparison.Ordinal);
        Assert.Equal("line 3: player_id 'x' is not a positive integer", Bad("game_id,team,player_id\n0022100001,BOS,1\n0022100001,BOS,x\n").Message);
        Assert.Equal("line 2: team 'Boston' is not a three-letter code such as BOS", Bad("game_id,team,player_id\n0022100001,Boston,1\n").Message);
        Assert.StartsWith("line 2: expected 3 fields", Bad("game_id,team,player_id\n0022100001,BOS\n").Message, StringComparison.Ordinal);
        var tooMany = "game_id,team,player_id\n" + string.Concat(Enumerable.Range(1, FeatureStore.MaxUnavailable + 1).Select(i => $"0022100001,BOS,{i}\n"));
        Assert.Equal($"line {FeatureStore.MaxUnavailable + 2}: more than {FeatureStore.MaxUnavailable} players out for BOS in game 0022100001", Bad(tooMany).Message);
    }

    [Fact]
    public void A_slate_with_some_teams_lists_is_featurized_and_predicted_row_by_row_as_each_rows_own_call()
    {
        var day = TrainedSliceFixture.TestFrom.AddDays(12);
        var records = fx.Matrix.Records;
        var store = FeatureStore.FromHistory(records.Where(r => r.Date < day));
        var games = records.Where(r => r.Date == day).ToList();
        var queries = games.Select(g => PlayerGameQuery.From(g)).ToList();
        // Each home team names its busiest player of the last days out; away teams report nothing.
        var lists = games.Select<PlayerGameRecord, int[]?>(g => g.Home
            ? new[] { records.Where(r => r.Date < day && r.TeamCode == g.TeamCode && r.PlayerId != g.PlayerId).MaxBy(r => r.Minutes).PlayerId }
            : null).ToList();
        var flags = lists.Select(l => l is not null).ToArray();
        Assert.Contains(true, flags);
        Assert.Contains(false, flags);

        var matrix = store.FeaturizeSlate(queries, lists);
        var batch = fx.Bundle.PredictBatch(matrix, flags);
        var n = fx.Bundle.Stats.Count;
        var features = new float[FeatureSchema.Count];
        var one = new StatPrediction[n];
        var differFromHistory = 0;
        for (var i = 0; i < queries.Count; i++)
        {
            if (lists[i] is { } named)
            {
                store.Featurize(queries[i], features, named);
                fx.Bundle.PredictWithKnownAbsences(features, one);
            }
            else
            {
                store.Featurize(queries[i], features);
                fx.Bundle.Predict(features, one);
            }

            Assert.Equal(features, matrix.Row(i).ToArray());
            for (var s = 0; s < n; s++)
            {
                Assert.Equal(one[s].Value, batch[(i * n) + s].Value, 4);
                Assert.Equal(one[s].Hi95, batch[(i * n) + s].Hi95, 4);
            }

            differFromHistory += flags[i] && !store.FeaturizeSlate([queries[i]]).Row(0).SequenceEqual(matrix.Row(i)) ? 1 : 0;
        }

        Assert.True(differFromHistory > 0, "no named list changed a row's features");

        // Every row named (every team reported) and none named take the one-group paths.
        var allNamed = fx.Bundle.PredictBatch(matrix, Enumerable.Repeat(true, queries.Count).ToArray());
        var noneNamed = fx.Bundle.PredictBatch(matrix, new bool[queries.Count]);
        Assert.Equal(fx.Bundle.PredictBatch(matrix), noneNamed);
        for (var i = 0; i < queries.Count; i++)
        {
            fx.Bundle.PredictWithKnownAbsences(matrix.Row(i), one);
            Assert.Equal(one[0].Value, allNamed[i * n].Value, 4);
            Assert.Equal(one[n - 1].Lo80, allNamed[(i * n) + n - 1].Lo80, 4);
        }

        Assert.Throws<ArgumentException>(() => store.FeaturizeSlate(queries, lists.Skip(1).ToList()));
        void PredictWithAFlagShort() => fx.Bundle.PredictBatch(matrix, flags.AsSpan(1));
        Assert.Throws<ArgumentException>(PredictWithAFlagShort);
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
