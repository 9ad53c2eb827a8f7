using System.IO.Compression;
using System.Text;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Features;

namespace NbaPredict.Ml.Tests;

public class CsvAndFeatureTests
{
    [Fact]
    public void Reads_a_whole_season_with_documented_row_count()
    {
        var rows = TestData.Season("2023-24");
        Assert.Equal(26401, rows.Count);
        var jokic = rows.First(r => r.PlayerId == 203999);
        Assert.Equal("DEN", jokic.TeamCode);
        Assert.Equal(new DateOnly(2023, 10, 24), jokic.Date);
        Assert.Equal("0022300061", jokic.GameId);
        Assert.All(rows, r => Assert.Equal(r.Pts, (2 * r.Fgm) + r.Fg3m + r.Ftm));
    }

    [Fact]
    public void Reads_plain_stream_and_rejects_bad_header()
    {
        const string csv = "game_id,game_date,season,season_type,player_id,player_name,team,opponent,home,starter,minutes,pts,reb,oreb,dreb,ast,stl,blk,tov,pf,fgm,fga,fg3m,fg3a,ftm,fta,plus_minus\n" +
                           "0022300061,2023-10-24,2023-24,Regular Season,203999,Nikola Jokić,DEN,LAL,1,,36,29,13,3,10,11,1,1,2,2,12,22,3,5,2,4,15\n";
        var rows = NbaCsvReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv)));
        var r = Assert.Single(rows);
        Assert.Equal(new PlayerGameRecord("0022300061", new DateOnly(2023, 10, 24), "2023-24", 203999, "DEN", "LAL", true, 36, 29, 13, 3, 10, 11, 1, 1, 2, 2, 12, 22, 3, 5, 2, 4, 15), r);

        Assert.Throws<FormatException>(() => NbaCsvReader.Read(new MemoryStream(Encoding.UTF8.GetBytes("a,b,c\n1,2,3\n"))));

        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(Encoding.UTF8.GetBytes(csv));
        }

        ms.Position = 0;
        using var dec = new GZipStream(ms, CompressionMode.Decompress);
        Assert.Single(NbaCsvReader.Read(dec));
    }

    [Fact]
    public void Schema_has_at_least_50_unique_features_and_a_stable_version()
    {
        Assert.True(FeatureSchema.Count >= 50, $"only {FeatureSchema.Count} features");
        Assert.Equal(FeatureSchema.Count, FeatureSchema.Names.Distinct().Count());
        Assert.StartsWith($"r{FeatureSchema.SemanticRevision}-", FeatureSchema.Version, StringComparison.Ordinal);
        Assert.Contains("r_proj_min", FeatureSchema.Names);
        Assert.Contains("r_min_when_absent_teammates_out", FeatureSchema.Names);
        Assert.Contains("p_usage_share10", FeatureSchema.Names);
    }

    [Fact]
    public void Leakage_changing_box_scores_on_or_after_D_leaves_features_of_D_unchanged()
    {
        var records = TestData.SeasonUntil("2022-23", new DateOnly(2022, 12, 10));
        var d = new DateOnly(2022, 11, 20);
        var (_, original) = FeatureStore.BuildHistorical(records);

        var rng = new Random(7);
        var mutated = records.Select(r => r.Date < d ? r : r with
        {
            Minutes = rng.Next(0, 48),
            Pts = rng.Next(0, 60),
            Reb = rng.Next(0, 25),
            Oreb = rng.Next(0, 8),
            Ast = rng.Next(0, 20),
            Stl = rng.Next(0, 6),
            Blk = rng.Next(0, 6),
            Tov = rng.Next(0, 8),
            Pf = rng.Next(0, 6),
            Fga = rng.Next(0, 30),
            Fta = rng.Next(0, 15),
            Fg3a = rng.Next(0, 15),
            Fg3m = rng.Next(0, 8),
            PlusMinus = rng.Next(-30, 30),
        }).Where(r => r.Date == d || r.Date < d || rng.NextDouble() > 0.1) // also drop some later appearances
          .ToList();
        var (_, changed) = FeatureStore.BuildHistorical(mutated);

        var origByKey = Index(original);
        var chgByKey = Index(changed);
        var checkedRows = 0;
        foreach (var (key, row) in origByKey.Where(kv => kv.Key.Date <= d))
        {
            Assert.True(chgByKey.TryGetValue(key, out var other));
            var a = original.Row(row).ToArray();
            var b = changed.Row(other).ToArray();
            for (var c = 0; c < a.Length; c++)
            {
                Assert.True(a[c] == b[c], $"feature {FeatureSchema.Names[c]} of {key} changed: {a[c]} vs {b[c]}");
            }

            if (key.Date == d)
            {
                checkedRows++;
            }
        }

        Assert.True(checkedRows > 50, $"only {checkedRows} rows on D");

        // sanity: features after D do change
        var after = origByKey.Where(kv => kv.Key.Date > d && chgByKey.ContainsKey(kv.Key)).Take(200).ToList();
        Assert.Contains(after, kv => !original.Row(kv.Value).SequenceEqual(changed.Row(chgByKey[kv.Key])));
    }

    [Fact]
    public void Incremental_featurization_matches_historical_build_and_refuses_the_past()
    {
        var records = TestData.SeasonUntil("2022-23", new DateOnly(2022, 11, 15));
        var d = records.Max(r => r.Date);
        var (_, full) = FeatureStore.BuildHistorical(records);
        var (store, _) = FeatureStore.BuildHistorical(records.Where(r => r.Date < d));

        var dayRows = Enumerable.Range(0, full.Rows).Where(i => full.Records[i].Date == d).ToList();
        Assert.NotEmpty(dayRows);
        var buf = new float[FeatureSchema.Count];
        foreach (var i in dayRows)
        {
            store.Featurize(PlayerGameQuery.From(full.Records[i]), buf);
            Assert.Equal(full.Row(i).ToArray(), buf);
        }

        store.IngestDay(records.Where(r => r.Date == d).ToArray());
        Assert.Throws<InvalidOperationException>(() => store.Featurize(PlayerGameQuery.From(full.Records[dayRows[0]]), buf));
        Assert.Throws<InvalidOperationException>(() => store.IngestDay(records.Where(r => r.Date == d).ToArray()));
    }

    [Fact]
    public void FromHistory_store_featurizes_like_the_historical_build()
    {
        var records = TestData.SeasonUntil("2022-23", new DateOnly(2022, 11, 10));
        var d = records.Max(r => r.Date);
        var (_, full) = FeatureStore.BuildHistorical(records);
        var shuffled = records.Where(r => r.Date < d).OrderBy(r => r.PlayerId).ThenByDescending(r => r.GameId).ToList();
        var store = FeatureStore.FromHistory(shuffled);
        Assert.Equal(records.Where(r => r.Date < d).Max(r => r.Date), store.LastIngestedDate);
        var buf = new float[FeatureSchema.Count];
        for (var i = 0; i < full.Rows; i++)
        {
            if (full.Records[i].Date == d)
            {
                store.Featurize(PlayerGameQuery.From(full.Records[i]), buf);
                Assert.Equal(full.Row(i).ToArray(), buf);
            }
        }
    }

    [Fact]
    public void Featurizing_without_any_history_uses_finite_priors()
    {
        var store = new FeatureStore();
        var buf = new float[FeatureSchema.Count];
        store.Featurize(new PlayerGameQuery(1, "NEW", "OLD", false, new DateOnly(2024, 1, 1)), buf);
        Assert.All(buf, v => Assert.True(float.IsFinite(v)));
        Assert.True(buf[FeatureSchema.IndexOf("r_proj_min")] > 5);

        var (known, _) = FeatureStore.BuildHistorical(TestData.SeasonUntil("2022-23", new DateOnly(2022, 11, 1)));
        known.Featurize(new PlayerGameQuery(999999999, "BOS", "LAL", true, new DateOnly(2022, 11, 2)), buf);
        Assert.All(buf, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(0, buf[FeatureSchema.IndexOf("c_has_history")]);
    }

    [Fact]
    public void A_list_of_unavailable_players_decides_which_teammates_count_as_absent()
    {
        var until = new DateOnly(2022, 12, 1);
        var records = TestData.SeasonUntil("2022-23", until);
        var (store, _) = FeatureStore.BuildHistorical(records);
        var absentCount = FeatureSchema.IndexOf("r_rotation_absent_count");
        var absentMinutes = FeatureSchema.IndexOf("r_rotation_absent_minutes");
        var inferred = new float[FeatureSchema.Count];
        var starOut = new float[FeatureSchema.Count];
        var nobodyOut = new float[FeatureSchema.Count];
        var again = new float[FeatureSchema.Count];

        // a team whose last game a rotation player missed, so the inferred absences are not empty
        PlayerGameQuery query = default;
        var star = 0;
        foreach (var team in records.Select(r => r.TeamCode).Distinct().Order(StringComparer.Ordinal))
        {
            var lastGame = records.Where(r => r.TeamCode == team).GroupBy(r => r.GameId).MaxBy(g => g.First().Date)!.OrderByDescending(r => r.Minutes).ToList();
            query = new PlayerGameQuery(lastGame[1].PlayerId, team, team == "LAL" ? "BOS" : "LAL", true, until);
            star = lastGame[0].PlayerId; // played the team's last game, so without a list he counts as available
            store.Featurize(query, inferred);
            if (inferred[absentCount] >= 1)
            {
                break;
            }
        }

        Assert.True(inferred[absentCount] >= 1, "some team missed a rotation player in its last game");
        store.Featurize(query, starOut, [star]);
        store.Featurize(query, nobodyOut, []);
        store.Featurize(query, again);

        Assert.Equal(1, starOut[absentCount]);
        Assert.True(starOut[absentMinutes] >= 15, $"the star's minutes count as missing ({starOut[absentMinutes]})");
        Assert.Equal(0, nobodyOut[absentCount]);
        Assert.Equal(0, nobodyOut[absentMinutes]);
        Assert.NotEqual(starOut[FeatureSchema.IndexOf("r_rotation_available_minutes")], inferred[FeatureSchema.IndexOf("r_rotation_available_minutes")]);
        Assert.Equal(inferred, again); // the list applies to its own call only

        var tooMany = Enumerable.Range(1, FeatureStore.MaxUnavailable + 1).ToArray();
        var ex = Assert.Throws<ArgumentException>(() => store.Featurize(query, starOut, tooMany));
        Assert.Contains($"At most {FeatureStore.MaxUnavailable}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_list_a_rotation_player_traded_away_counts_as_out_though_not_listed()
    {
        var season = TestData.Season("2022-23");
        var absentCount = FeatureSchema.IndexOf("r_rotation_absent_count");

        // A player of his old team's rotation who then played for another team before his old team's next game:
        // an empty list leaves him out as if he had been listed.
        foreach (var traded in season.GroupBy(r => r.PlayerId))
        {
            var games = traded.OrderBy(r => r.Date).ToList();
            var move = games.FindIndex(1, g => g.TeamCode != games[0].TeamCode);
            if (move < 3)
            {
                continue;
            }

            var oldTeam = games[move - 1].TeamCode;
            var firstForNewTeam = games[move].Date;
            var next = season.Where(r => r.TeamCode == oldTeam && r.Date > firstForNewTeam).MinBy(r => r.Date);
            var lastOldGame = season.Where(r => r.TeamCode == oldTeam && r.Date < firstForNewTeam).Max(r => r.Date);
            if (next.PlayerId == 0 || lastOldGame != games[move - 1].Date)
            {
                continue; // he must have played his old team's last game before the move, so the history counts him in
            }

            var query = PlayerGameQuery.From(next);
            var before = season.Where(r => r.Date < next.Date).ToList();
            var withMove = FeatureStore.FromHistory(before);
            var withoutMove = FeatureStore.FromHistory(before.Where(r => !(r.PlayerId == traded.Key && r.TeamCode != oldTeam)));
            var listed = new float[FeatureSchema.Count];
            var nobody = new float[FeatureSchema.Count];
            withoutMove.Featurize(query, listed, [traded.Key]);
            withoutMove.Featurize(query, nobody, []);
            if (listed[absentCount] != nobody[absentCount] + 1)
            {
                continue; // not in his old team's rotation (3+ of its last 10 games, 15+ minutes a game)
            }

            var moved = new float[FeatureSchema.Count];
            withMove.Featurize(query, moved, []);
            Assert.Equal(listed[absentCount], moved[absentCount]);
            Assert.Equal(listed[FeatureSchema.IndexOf("r_rotation_absent_minutes")], moved[FeatureSchema.IndexOf("r_rotation_absent_minutes")]);
            return;
        }

        Assert.Fail("no mid-season trade of a rotation player found in 2022-23");
    }

    private static Dictionary<(DateOnly Date, string GameId, int PlayerId), int> Index(FeatureMatrix m)
    {
        var d = new Dictionary<(DateOnly, string, int), int>();
        for (var i = 0; i < m.Rows; i++)
        {
            d[(m.Records[i].Date, m.Records[i].GameId, m.Records[i].PlayerId)] = i;
        }

        return d;
    }
}
