using NbaPredict.Ml.Data;

namespace NbaPredict.Ml.Features;

public sealed partial class FeatureStore
{
    private static readonly string[] StatNames = ["pts", "reb", "ast", "fg3m", "stl", "blk", "tov", "min"];
    private static readonly int[] Windows = [3, 5, 10, 20];
    private static readonly int[] StdWindows = [5, 10, 20];
    private static readonly string[][] MeanNames = [.. Windows.Select(w => Tab($"p_mean{w}_"))];
    private static readonly string[][] StdNames = [.. StdWindows.Select(w => Tab($"p_std{w}_"))];
    private static readonly string[] SeasonMeanNames = Tab("p_season_mean_");
    private static readonly string[] SeasonStdNames = Tab("p_season_std_");
    private static readonly string[] EwmaNames = Tab("p_ewma_");
    private static readonly string[] LagNames = Tab("p_last_");
    private static readonly string[] Rate10Names = Tab("p_rate10_");
    private static readonly string[] RateSeasonNames = Tab("p_rate_season_");
    private static readonly string[] RateProjNames = Tab("p_rate_x_projmin_");
    private static readonly string[] ShrunkNames = Tab("p_shrunk_");

    private static string[] Tab(string prefix) => [.. StatNames.Select(s => prefix + s)];

    /// <summary>Names of the features, in order (used by <see cref="FeatureSchema"/>).</summary>
    internal static string[] BuildNames()
    {
        var names = new List<string>(256);
        var store = new FeatureStore();
        var w = new Writer([], names);
        store.FeaturizeCore(new PlayerGameQuery(0, "AAA", "BBB", true, new DateOnly(2000, 1, 1)), ref w);
        return [.. names];
    }

    /// <summary>
    /// Writes the features of a (player, team, opponent, home, date) into <paramref name="destination"/>
    /// (length ≥ <see cref="FeatureSchema.Count"/>), using only data ingested so far. The date must be after the last
    /// ingested day. Works without any history (falls back to priors). No allocation.
    /// </summary>
    public void Featurize(in PlayerGameQuery query, Span<float> destination)
    {
        if (destination.Length < FeatureSchema.Count)
        {
            throw new ArgumentException($"Destination needs {FeatureSchema.Count} elements.", nameof(destination));
        }

        if (query.Date.DayNumber <= LastIngestedDay)
        {
            throw new InvalidOperationException(
                $"Cannot featurize {query.Date:yyyy-MM-dd}: data up to {LastIngestedDate:yyyy-MM-dd} is already ingested (point-in-time).");
        }

        var w = new Writer(destination, null);
        FeaturizeCore(query, ref w);
    }

    /// <summary>
    /// As <see cref="Featurize(in PlayerGameQuery, Span{float})"/>, for a game whose unavailable players are known
    /// before tip-off (an injury report or inactive list). The rotation features then treat exactly the listed
    /// teammates as absent, instead of those who missed the team's last game; an empty list means nobody is out.
    /// </summary>
    public void Featurize(in PlayerGameQuery query, Span<float> destination, ReadOnlySpan<int> unavailable)
    {
        if (unavailable.Length > MaxUnavailable)
        {
            throw new ArgumentException($"At most {MaxUnavailable} unavailable players can be given; got {unavailable.Length}.", nameof(unavailable));
        }

        unavailable.CopyTo(_unavailable);
        _unavailableCount = unavailable.Length;
        try
        {
            Featurize(query, destination);
        }
        finally
        {
            _unavailableCount = -1;
        }
    }

    /// <summary>
    /// Featurizes a slate of games (all after the last ingested day) into a new matrix. With
    /// <paramref name="unavailable"/> (one entry per row), a row whose entry is not null is written with that list of
    /// unavailable players, as <see cref="Featurize(in PlayerGameQuery, Span{float}, ReadOnlySpan{int})"/> does; rows
    /// whose entry is null infer absences from the team's last game.
    /// </summary>
    public FeatureMatrix FeaturizeSlate(IReadOnlyList<PlayerGameQuery> slate, IReadOnlyList<int[]?>? unavailable = null)
    {
        ArgumentNullException.ThrowIfNull(slate);
        if (unavailable is not null && unavailable.Count != slate.Count)
        {
            throw new ArgumentException($"Expected one unavailable list (or null) per slate row: {slate.Count} rows, {unavailable.Count} lists.", nameof(unavailable));
        }

        var f = FeatureSchema.Count;
        var values = new float[slate.Count * f];
        for (var i = 0; i < slate.Count; i++)
        {
            if (unavailable?[i] is { } named)
            {
                Featurize(slate[i], values.AsSpan(i * f, f), named);
            }
            else
            {
                Featurize(slate[i], values.AsSpan(i * f, f));
            }
        }

        return new FeatureMatrix(values, slate.Count, f);
    }

    /// <summary>
    /// Builds a store from history without featurizing it (the production start-up path): sorts by date and
    /// ingests day by day. Afterwards call <see cref="Featurize"/> / <see cref="FeaturizeSlate"/> for upcoming games
    /// and <see cref="IngestDay"/> once each new day's box scores are in.
    /// </summary>
    public static FeatureStore FromHistory(IEnumerable<PlayerGameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var sorted = records.ToArray();
        Array.Sort(sorted, static (a, b) => a.Date.CompareTo(b.Date));
        var store = new FeatureStore();
        foreach (var (s, e) in DayRuns(sorted))
        {
            store.IngestDay(sorted.AsSpan(s, e - s));
        }

        return store;
    }

    /// <summary>
    /// Point-in-time featurization of a whole history: sorts records by date, and for each day featurizes
    /// its rows from the state before that day, then ingests the day. Returns the rows in sorted order.
    /// </summary>
    public static (FeatureStore Store, FeatureMatrix Matrix) BuildHistorical(IEnumerable<PlayerGameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var sorted = records.ToArray();
        Array.Sort(sorted, static (a, b) =>
        {
            var c = a.Date.CompareTo(b.Date);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(a.GameId, b.GameId);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(a.TeamCode, b.TeamCode);
            return c != 0 ? c : a.PlayerId.CompareTo(b.PlayerId);
        });

        var store = new FeatureStore();
        var f = FeatureSchema.Count;
        var values = new float[sorted.Length * f];
        foreach (var (s, e) in DayRuns(sorted))
        {
            for (var i = s; i < e; i++)
            {
                store.Featurize(PlayerGameQuery.From(sorted[i]), values.AsSpan(i * f, f));
            }

            store.IngestDay(sorted.AsSpan(s, e - s));
        }

        return (store, new FeatureMatrix(values, sorted.Length, f) { Records = sorted });
    }

    /// <summary>
    /// As <see cref="BuildHistorical"/>, but each game is featurized as if its inactive list had been known before
    /// tip-off: <see cref="KnownAbsences.FromBoxScores"/>, the team's players of the season who are missing from that
    /// game's box score, are passed as unavailable (the
    /// <see cref="Featurize(in PlayerGameQuery, Span{float}, ReadOnlySpan{int})"/> path). This reads the game day's box
    /// score, so it is only for training and calibrating the model that serves queries which name their unavailable
    /// players; a history-only prediction must never see it. <paramref name="sorted"/> must be in
    /// <see cref="BuildHistorical"/>'s order (its matrix's records); the rows come back in the same order.
    /// </summary>
    public static FeatureMatrix BuildHistoricalWithKnownAbsences(IReadOnlyList<PlayerGameRecord> sorted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var absences = KnownAbsences.FromBoxScores(sorted);
        var store = new FeatureStore();
        var f = FeatureSchema.Count;
        var values = new float[sorted.Count * f];
        var day = new List<PlayerGameRecord>(512);
        foreach (var (s, e) in DayRuns(sorted))
        {
            day.Clear();
            for (var i = s; i < e; i++)
            {
                store.Featurize(PlayerGameQuery.From(sorted[i]), values.AsSpan(i * f, f), absences[(sorted[i].GameId, sorted[i].TeamCode)]);
                day.Add(sorted[i]);
            }

            store.IngestDay(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(day));
        }

        return new FeatureMatrix(values, sorted.Count, f) { Records = sorted };
    }

    /// <summary>Index ranges [start, end) of the days of date-sorted records; throws when the dates go backwards.</summary>
    internal static IEnumerable<(int Start, int End)> DayRuns(IReadOnlyList<PlayerGameRecord> sorted)
    {
        var s = 0;
        while (s < sorted.Count)
        {
            var date = sorted[s].Date;
            var e = s + 1;
            while (e < sorted.Count && sorted[e].Date == date)
            {
                e++;
            }

            if (e < sorted.Count && sorted[e].Date < date)
            {
                throw new ArgumentException("Records must be sorted by date (use the records of a BuildHistorical matrix).", nameof(sorted));
            }

            yield return (s, e);
            s = e;
        }
    }

    private ref struct Writer(Span<float> dest, List<string>? names)
    {
        private readonly Span<float> _dest = dest;
        private readonly List<string>? _names = names;
        public int Index;

        public void Add(double value, string name)
        {
            if (_names != null)
            {
                _names.Add(name);
            }
            else
            {
                _dest[Index] = double.IsFinite(value) ? (float)value : 0f;
            }

            Index++;
        }
    }

    private struct RotationInfo
    {
        public int RecentTeamGames;
        public int PlayedRecent;
        public double ShareLast5;
        public bool PlayedLast;
        public int ConsecutiveMissed;
        public int RotationSize;
        public int Absent;
        public double MissingMin;
        public double AvailMin;
        public double WithAbsentMin;
        public int WithAbsentN;
        public double AllPresentMin;
        public int AllPresentN;
        public double MissingUsage;
        public double MissingMin2;
        public double WithAbsentPts, WithAbsentReb, WithAbsentAst;
        public double AllPresentPts, AllPresentReb, AllPresentAst;
        public int RankLastGame;
        public int RankRecent;
        public double PlayersUsedPerGame;
    }

    private double PriorStd(int k) => (0.6 * _prior[k]) + 0.5;

    private void FeaturizeCore(in PlayerGameQuery q, ref Writer w)
    {
        var day = q.Date.DayNumber;
        var season = SeasonKeyOf(q.Date);
        _players.TryGetValue(q.PlayerId, out var p);
        var n = p?.RingCount ?? 0;
        var hasHist = n > 0;
        var ts = _teamIndex.TryGetValue(q.TeamCode, out var ti) ? _teams[ti] : null;
        var os = _teamIndex.TryGetValue(q.OpponentCode, out var oi) ? _teams[oi] : null;
        var inSeason = p != null && p.SeasonKey == season && p.SeasonGames > 0;
        var seasonRefGames = p != null && p.SeasonGames > 0 ? p.SeasonGames : 0; // current or last played season

        Span<double> mean10 = stackalloc double[PV.Main];
        Span<double> mean5 = stackalloc double[PV.Main];
        Span<double> mean20 = stackalloc double[PV.Main];
        Span<double> seasonMean = stackalloc double[PV.Main];

        // ---- rolling means over 3/5/10/20 games (across seasons) ----
        for (var wi = 0; wi < Windows.Length; wi++)
        {
            var m = Math.Min(Windows[wi], n);
            for (var k = 0; k < PV.Main; k++)
            {
                double mean;
                if (m == 0)
                {
                    mean = _prior[k];
                }
                else
                {
                    double sum = 0;
                    for (var j = 0; j < m; j++)
                    {
                        sum += p!.Get(j, k);
                    }

                    mean = sum / m;
                }

                if (Windows[wi] == 5)
                {
                    mean5[k] = mean;
                }
                else if (Windows[wi] == 10)
                {
                    mean10[k] = mean;
                }
                else if (Windows[wi] == 20)
                {
                    mean20[k] = mean;
                }

                w.Add(mean, MeanNames[wi][k]);
            }
        }

        // ---- rolling std ----
        for (var wi = 0; wi < StdWindows.Length; wi++)
        {
            var m = Math.Min(StdWindows[wi], n);
            for (var k = 0; k < PV.Main; k++)
            {
                w.Add(m >= 2 ? Std(p!, k, m) : PriorStd(k), StdNames[wi][k]);
            }
        }

        // ---- season-to-date (falls back to the last played season, then the prior) ----
        for (var k = 0; k < PV.Main; k++)
        {
            seasonMean[k] = seasonRefGames > 0 ? p!.SeasonSum[k] / seasonRefGames : _prior[k];
            w.Add(seasonMean[k], SeasonMeanNames[k]);
        }

        for (var k = 0; k < PV.Main; k++)
        {
            double sd;
            if (seasonRefGames >= 2)
            {
                var mu = p!.SeasonSum[k] / seasonRefGames;
                sd = Math.Sqrt(Math.Max(0, (p.SeasonSq[k] / seasonRefGames) - (mu * mu)));
            }
            else
            {
                sd = PriorStd(k);
            }

            w.Add(sd, SeasonStdNames[k]);
        }

        for (var k = 0; k < PV.Main; k++)
        {
            w.Add(hasHist ? p!.Ewma[k] : _prior[k], EwmaNames[k]);
        }

        for (var k = 0; k < PV.Main; k++)
        {
            w.Add(hasHist ? p!.Get(0, k) : _prior[k], LagNames[k]);
        }

        // shrunk season mean: season-to-date shrunk toward last-20 with 5 pseudo games
        var curGames = inSeason ? p!.SeasonGames : 0;
        for (var k = 0; k < PV.Main; k++)
        {
            var cur = curGames > 0 ? p!.SeasonSum[k] : 0;
            w.Add((cur + (5 * mean20[k])) / (curGames + 5), ShrunkNames[k]);
        }

        // ---- per-minute rates ----
        Span<double> rate = stackalloc double[PV.Main];
        var m10 = Math.Min(10, n);
        double min10 = 0;
        for (var j = 0; j < m10; j++)
        {
            min10 += p!.Get(j, PV.Min);
        }

        for (var k = 0; k < PV.Main - 1; k++)
        {
            double s = 0;
            for (var j = 0; j < m10; j++)
            {
                s += p!.Get(j, k);
            }

            var r10 = (s + (40 * _leagueRate[k])) / (min10 + 40);
            w.Add(r10, Rate10Names[k]);
            rate[k] = r10;
        }

        var seasonMin = seasonRefGames > 0 ? p!.SeasonSum[PV.Min] : 0;
        for (var k = 0; k < PV.Main - 1; k++)
        {
            var s = seasonRefGames > 0 ? p!.SeasonSum[k] : 0;
            var rs = (s + (100 * _leagueRate[k])) / (seasonMin + 100);
            w.Add(rs, RateSeasonNames[k]);
            rate[k] = (0.5 * rate[k]) + (0.5 * rs);
        }

        // ---- shot profile, usage, shooting ----
        double fga10 = 0, fta10 = 0, fg3a10 = 0, usage10 = 0, teamUsage10 = 0, teamMin10 = 0, oreb10 = 0, pf10 = 0, pm10 = 0;
        for (var j = 0; j < m10; j++)
        {
            fga10 += p!.Get(j, PV.Fga);
            fta10 += p.Get(j, PV.Fta);
            fg3a10 += p.Get(j, PV.Fg3a);
            usage10 += p.Get(j, PV.Usage);
            teamUsage10 += p.Get(j, PV.TeamUsage);
            teamMin10 += p.Get(j, PV.TeamMin);
            oreb10 += p.Get(j, PV.Oreb);
            pf10 += p.Get(j, PV.Pf);
            pm10 += p.Get(j, PV.Pm);
        }

        w.Add((fga10 + (40 * 0.8)) / (min10 + 40), "p_fga_per_min10");
        w.Add((fta10 + (40 * 0.2)) / (min10 + 40), "p_fta_per_min10");
        w.Add((fg3a10 + (40 * 0.3)) / (min10 + 40), "p_fg3a_per_min10");
        w.Add(m10 > 0 ? fga10 / m10 : 4, "p_fga_mean10");
        w.Add(m10 > 0 ? fta10 / m10 : 1, "p_fta_mean10");
        w.Add(m10 > 0 ? fg3a10 / m10 : 1.5, "p_fg3a_mean10");
        w.Add((usage10 + (0.12 * 110)) / (teamUsage10 + 110), "p_usage_share10");
        var sU = seasonRefGames > 0 ? p!.SeasonSum[PV.Usage] : 0;
        var sTu = seasonRefGames > 0 ? p!.SeasonSum[PV.TeamUsage] : 0;
        w.Add((sU + (0.12 * 220)) / (sTu + 220), "p_usage_share_season");
        w.Add(m10 > 0 ? oreb10 / m10 : 0.5, "p_oreb_mean10");
        w.Add(m10 > 0 ? pf10 / m10 : 1.2, "p_pf_mean10");
        w.Add(m10 > 0 ? pm10 / m10 : -1, "p_plusminus_mean10");
        w.Add(teamMin10 > 0 ? 5 * min10 / teamMin10 : 0.25, "p_min_share_when_playing10");

        double fgm20 = 0, fga20 = 0, fg3m20 = 0, fg3a20 = 0, ftm20 = 0, fta20 = 0;
        var m20 = Math.Min(20, n);
        for (var j = 0; j < m20; j++)
        {
            fgm20 += p!.Get(j, PV.Fgm);
            fga20 += p.Get(j, PV.Fga);
            fg3m20 += p.Get(j, PV.Fg3m);
            fg3a20 += p.Get(j, PV.Fg3a);
            ftm20 += p.Get(j, PV.Ftm);
            fta20 += p.Get(j, PV.Fta);
        }

        w.Add((fgm20 + (20 * _leagueFgPct)) / (fga20 + 20), "p_fg_pct_shrunk20");
        w.Add((fg3m20 + (40 * _leagueFg3Pct)) / (fg3a20 + 40), "p_fg3_pct_shrunk20");
        w.Add((ftm20 + (20 * _leagueFtPct)) / (fta20 + 20), "p_ft_pct_shrunk20");

        // ---- minutes dynamics and role ----
        var m3 = Math.Min(3, n);
        double min3 = 0, maxMin10 = 0;
        for (var j = 0; j < m3; j++)
        {
            min3 += p!.Get(j, PV.Min);
        }

        for (var j = 0; j < m10; j++)
        {
            maxMin10 = Math.Max(maxMin10, p!.Get(j, PV.Min));
        }

        w.Add(m3 > 0 && m10 > 0 ? (min3 / m3) - (min10 / m10) : 0, "p_min_trend_3v10");
        w.Add(MinSlope(p, m10), "p_min_slope10");
        w.Add(hasHist ? p!.EwmaMinFast : _prior[PV.Min], "p_min_ewma_fast");
        w.Add(hasHist ? maxMin10 : _prior[PV.Min], "p_min_max10");

        var rot = Rotation(q.PlayerId, ts, ti, season);
        var baseMin = hasHist
            ? (0.45 * p!.EwmaMinFast) + (0.35 * mean5[PV.Min]) + (0.2 * mean20[PV.Min])
            : _prior[PV.Min];
        var boost = rot.MissingMin * baseMin / Math.Max(rot.AvailMin + baseMin + 30, 1) * 0.8;
        var proj = baseMin + boost;
        if (rot.WithAbsentN > 0 && rot.AllPresentN > 0)
        {
            var uplift = (rot.WithAbsentMin / rot.WithAbsentN) - (rot.AllPresentMin / rot.AllPresentN);
            var wgt = rot.WithAbsentN / (rot.WithAbsentN + 4.0);
            proj = ((1 - wgt) * proj) + (wgt * (baseMin + uplift));
        }

        proj = Math.Clamp(proj, 0, 46);

        w.Add(rot.ShareLast5, "r_min_share_last5_team_games");
        w.Add(rot.RecentTeamGames > 0 ? (double)rot.PlayedRecent / rot.RecentTeamGames : 0.5, "r_played_frac_last10_team");
        w.Add(rot.PlayedLast ? 1 : 0, "r_played_last_team_game");
        w.Add(rot.ConsecutiveMissed, "r_consecutive_team_games_missed");
        w.Add(rot.RotationSize, "r_rotation_size");
        w.Add(rot.Absent, "r_rotation_absent_count");
        w.Add(rot.MissingMin, "r_rotation_absent_minutes");
        w.Add(rot.AvailMin, "r_rotation_available_minutes");
        w.Add(rot.WithAbsentN > 0 ? rot.WithAbsentMin / rot.WithAbsentN : baseMin, "r_min_when_absent_teammates_out");
        w.Add(rot.WithAbsentN, "r_games_with_absent_teammates_out");
        w.Add(rot.AllPresentN > 0 ? rot.AllPresentMin / rot.AllPresentN : baseMin, "r_min_when_absent_teammates_in");
        w.Add(rot.WithAbsentN > 0 && rot.AllPresentN > 0 ? (rot.WithAbsentMin / rot.WithAbsentN) - (rot.AllPresentMin / rot.AllPresentN) : 0, "r_min_uplift_absent");
        var both = rot.WithAbsentN > 0 && rot.AllPresentN > 0;
        w.Add(rot.MissingUsage, "r_rotation_absent_usage");
        w.Add(rot.MissingMin2, "r_rotation_absent_minutes_2plus_games");
        w.Add(rot.WithAbsentN > 0 ? rot.WithAbsentPts / rot.WithAbsentN : mean10[PV.Pts], "r_pts_when_absent_teammates_out");
        w.Add(both ? (rot.WithAbsentPts / rot.WithAbsentN) - (rot.AllPresentPts / rot.AllPresentN) : 0, "r_pts_uplift_absent");
        w.Add(both ? (rot.WithAbsentReb / rot.WithAbsentN) - (rot.AllPresentReb / rot.AllPresentN) : 0, "r_reb_uplift_absent");
        w.Add(both ? (rot.WithAbsentAst / rot.WithAbsentN) - (rot.AllPresentAst / rot.AllPresentN) : 0, "r_ast_uplift_absent");
        w.Add(rot.RecentTeamGames > 0 ? rot.RankLastGame : 8, "r_min_rank_last_team_game");
        w.Add(rot.RecentTeamGames > 0 ? rot.RankRecent : 8, "r_min_rank_recent10");
        w.Add(rot.RecentTeamGames > 0 ? rot.PlayersUsedPerGame : 10.5, "r_team_players_used_per_game10");
        w.Add(baseMin, "r_proj_min_base");
        w.Add(proj, "r_proj_min");

        for (var k = 0; k < PV.Main - 1; k++)
        {
            w.Add(rate[k] * proj, RateProjNames[k]);
        }

        // ---- rest and schedule ----
        var rest = hasHist ? Math.Min(day - p!.LastDay, 30) : 30;
        var gamesLast7 = 0;
        for (var j = 0; j < n; j++)
        {
            if (day - p!.DayOf(j) <= 7)
            {
                gamesLast7++;
            }
            else
            {
                break;
            }
        }

        // games since the player's last long (≥ 7 day) layoff, capped at the ring size
        var sinceLayoff = n;
        for (var j = 0; j < n - 1; j++)
        {
            if (p!.DayOf(j) - p.DayOf(j + 1) >= 7)
            {
                sinceLayoff = j + 1;
                break;
            }
        }

        var lastGap = n >= 2 ? Math.Min(p!.DayOf(0) - p.DayOf(1), 60) : 60;
        var teamRest = TeamRest(ts, day);
        var oppRest = TeamRest(os, day);
        w.Add(q.Home ? 1 : 0, "c_home");
        w.Add(rest, "c_player_rest_days");
        w.Add(rest == 1 ? 1 : 0, "c_player_back_to_back");
        w.Add(hasHist ? Math.Min(sinceLayoff, PlayerState.Window) : 0, "c_games_since_layoff7");
        w.Add(lastGap, "c_previous_gap_days");
        w.Add(gamesLast7, "c_player_games_last7d");
        w.Add(hasHist ? Math.Min(day - p!.LastDay, 400) : 400, "c_days_since_last_game");
        w.Add(teamRest, "c_team_rest_days");
        w.Add(teamRest == 1 ? 1 : 0, "c_team_back_to_back");
        w.Add(TeamGamesLast7(ts, day), "c_team_games_last7d");
        w.Add(oppRest, "c_opp_rest_days");
        w.Add(oppRest == 1 ? 1 : 0, "c_opp_back_to_back");

        // ---- career / season phase ----
        var teamSeasonGames = ts != null && ts.SeasonKey == season ? ts.SeasonGames : 0;
        var dayOfSeason = _seasonStartDay.TryGetValue(season, out var sd0) ? day - sd0 : 0;
        w.Add(p?.CareerGames ?? 0, "c_career_games");
        w.Add(curGames, "c_player_season_games");
        w.Add(teamSeasonGames, "c_team_season_games");
        w.Add(teamSeasonGames / 82.0, "c_season_phase");
        w.Add(dayOfSeason, "c_day_of_season");
        var sameTeam = p != null && ts != null && p.TeamIdx == ti && inSeason;
        w.Add(sameTeam ? p!.GamesWithTeamSeason : 0, "c_games_with_team_season");
        w.Add(hasHist && p!.TeamIdx != ti ? 1 : 0, "c_new_team");
        w.Add(hasHist ? 1 : 0, "c_has_history");
        w.Add(p?.PrevSeasonGames ?? 0, "c_prev_season_games");

        // ---- team and opponent profile (last 10 team games) ----
        Span<double> teamFor = stackalloc double[TV.Count];
        Span<double> teamAgainst = stackalloc double[TV.Count];
        Span<double> oppFor = stackalloc double[TV.Count];
        Span<double> oppAgainst = stackalloc double[TV.Count];
        TeamMeans(ts, teamFor, teamAgainst);
        TeamMeans(os, oppFor, oppAgainst);
        var lg = _leagueTeam;
        w.Add(teamFor[TV.Poss], "t_pace10");
        w.Add(oppFor[TV.Poss], "o_pace10");
        w.Add((teamFor[TV.Poss] + oppFor[TV.Poss] + teamAgainst[TV.Poss] + oppAgainst[TV.Poss]) / (4 * lg[TV.Poss]), "g_pace_rel");
        w.Add(teamFor[TV.Pts], "t_pts10");
        w.Add(teamFor[TV.Pts] - teamAgainst[TV.Pts], "t_margin10");
        w.Add(oppFor[TV.Pts] - oppAgainst[TV.Pts], "o_margin10");
        var (tMargin, tGames) = SeasonMargin(ts, season);
        var (oMargin, oGames) = SeasonMargin(os, season);
        w.Add(tMargin, "t_margin_season");
        w.Add(oMargin, "o_margin_season");
        w.Add((tMargin - oMargin) + (q.Home ? 2.5 : -2.5), "g_expected_margin");
        w.Add(Math.Abs((tMargin - oMargin) + (q.Home ? 2.5 : -2.5)), "g_expected_abs_margin");
        w.Add(Math.Min(tGames, oGames), "g_min_team_season_games");
        w.Add(oppAgainst[TV.Pts], "o_pts_allowed10");
        w.Add(oppAgainst[TV.Reb], "o_reb_allowed10");
        w.Add(oppAgainst[TV.Ast], "o_ast_allowed10");
        w.Add(oppAgainst[TV.Fg3m], "o_fg3m_allowed10");
        w.Add(oppAgainst[TV.Tov], "o_tov_forced10");
        w.Add(oppAgainst[TV.Pts] / lg[TV.Pts], "o_pts_allowed_rel");
        w.Add(oppAgainst[TV.Reb] / lg[TV.Reb], "o_reb_allowed_rel");
        w.Add(oppAgainst[TV.Ast] / lg[TV.Ast], "o_ast_allowed_rel");
        w.Add(oppAgainst[TV.Fg3m] / lg[TV.Fg3m], "o_fg3m_allowed_rel");
        w.Add(oppAgainst[TV.Tov] / lg[TV.Tov], "o_tov_forced_rel");
        w.Add(oppFor[TV.Reb] / lg[TV.Reb], "o_reb_rel");
        w.Add(oppFor[TV.Blk] / lg[TV.Blk], "o_blk_rel");
        w.Add(teamFor[TV.Ast] / lg[TV.Ast], "t_ast_rel");
        w.Add(teamFor[TV.Fg3m] / lg[TV.Fg3m], "t_fg3m_rel");
        w.Add(lg[TV.Pts], "l_team_pts");
        w.Add(lg[TV.Poss], "l_team_poss");
    }

    private static double Std(PlayerState p, int k, int m)
    {
        double s = 0, s2 = 0;
        for (var j = 0; j < m; j++)
        {
            double v = p.Get(j, k);
            s += v;
            s2 += v * v;
        }

        var mu = s / m;
        return Math.Sqrt(Math.Max(0, (s2 / m) - (mu * mu)));
    }

    private static double MinSlope(PlayerState? p, int m)
    {
        if (p is null || m < 3)
        {
            return 0;
        }

        // x = 0 oldest .. m-1 newest
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var j = 0; j < m; j++)
        {
            double x = m - 1 - j;
            double y = p.Get(j, PV.Min);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }

        var den = (m * sxx) - (sx * sx);
        return den > 0 ? ((m * sxy) - (sx * sy)) / den : 0;
    }

    /// <summary>Season-to-date mean margin with 3 pseudo-games at 0.</summary>
    private static (double Margin, int Games) SeasonMargin(TeamState? ts, int season)
    {
        if (ts is null || ts.SeasonKey != season)
        {
            return (0, 0);
        }

        double s = 0;
        for (var g = ts.SeasonStart; g < ts.Games.Count; g++)
        {
            s += ts.Games[g].For[TV.Pts] - ts.Games[g].Against[TV.Pts];
        }

        var n = ts.Games.Count - ts.SeasonStart;
        return (s / (n + 3), n);
    }

    private static int TeamRest(TeamState? ts, int day) => ts?.Last is { } last ? Math.Min(day - last.Day, 30) : 30;

    private static int TeamGamesLast7(TeamState? ts, int day)
    {
        if (ts is null)
        {
            return 0;
        }

        var c = 0;
        for (var i = ts.Games.Count - 1; i >= 0 && day - ts.Games[i].Day <= 7; i--)
        {
            c++;
        }

        return c;
    }

    private void TeamMeans(TeamState? ts, Span<double> forMeans, Span<double> againstMeans)
    {
        var g = ts?.Games.Count ?? 0;
        var m = Math.Min(RecentTeamGames, g);
        for (var k = 0; k < TV.Count; k++)
        {
            // 2 pseudo-games of league average for stability
            double sf = 2 * _leagueTeam[k], sa = 2 * _leagueTeam[k];
            for (var j = 0; j < m; j++)
            {
                var tg = ts!.Games[g - 1 - j];
                sf += tg.For[k];
                sa += tg.Against[k];
            }

            forMeans[k] = sf / (m + 2);
            againstMeans[k] = sa / (m + 2);
        }
    }

    private bool PlaysElsewhere(int playerId, int teamIdx) => _players.TryGetValue(playerId, out var p) && p.TeamIdx >= 0 && p.TeamIdx != teamIdx;

    private RotationInfo Rotation(int playerId, TeamState? ts, int teamIdx, int season)
    {
        var ri = default(RotationInfo);
        if (ts is null || ts.Games.Count == 0 || ts.SeasonKey != season)
        {
            return ri;
        }

        var games = ts.Games;
        var count = games.Count;
        var from = Math.Max(ts.SeasonStart, count - RecentTeamGames);
        var nIds = 0;
        double ownMin = 0;
        var appearances = 0;
        for (var g = from; g < count; g++)
        {
            var tg = games[g];
            var ids = tg.PlayerIds;
            appearances += ids.Length;
            for (var i = 0; i < ids.Length; i++)
            {
                if (ids[i] == playerId)
                {
                    ri.PlayedRecent++;
                    ownMin += tg.Minutes[i];
                    continue;
                }

                var slot = Array.IndexOf(_scrIds, ids[i], 0, nIds);
                if (slot < 0)
                {
                    if (nIds == _scrIds.Length)
                    {
                        continue;
                    }

                    slot = nIds++;
                    _scrIds[slot] = ids[i];
                    _scrCnt[slot] = 0;
                    _scrMin[slot] = 0;
                    _scrUsage[slot] = 0;
                }

                _scrCnt[slot]++;
                _scrMin[slot] += tg.Minutes[i];
                _scrUsage[slot] += tg.Vals[(i * TeamGame.ValCount) + 3];
            }
        }

        ri.RecentTeamGames = count - from;
        ri.PlayersUsedPerGame = (double)appearances / ri.RecentTeamGames;
        var last = games[count - 1];
        var prev = count - 2 >= ts.SeasonStart ? games[count - 2] : null;
        ri.RankRecent = 1;
        for (var s = 0; s < nIds; s++)
        {
            if (_scrMin[s] > ownMin)
            {
                ri.RankRecent++;
            }

            var avg = _scrMin[s] / _scrCnt[s];
            if (_scrCnt[s] >= 3 && avg >= 15)
            {
                ri.RotationSize++;
                // With a list, a rotation player who has since played for another team is out too: an injury
                // report does not name players traded away.
                var isOut = _unavailableCount >= 0
                    ? Array.IndexOf(_unavailable, _scrIds[s], 0, _unavailableCount) >= 0 || PlaysElsewhere(_scrIds[s], teamIdx)
                    : !last.Contains(_scrIds[s]);
                if (isOut)
                {
                    if (ri.Absent < _absent.Length)
                    {
                        _absent[ri.Absent++] = _scrIds[s];
                    }

                    ri.MissingMin += avg;
                    ri.MissingUsage += _scrUsage[s] / _scrCnt[s];
                    if (prev is not null && !prev.Contains(_scrIds[s]))
                    {
                        ri.MissingMin2 += avg;
                    }
                }
                else
                {
                    ri.AvailMin += avg;
                }
            }
        }

        double pm5 = 0, tm5 = 0;
        for (var g = Math.Max(ts.SeasonStart, count - 5); g < count; g++)
        {
            pm5 += Math.Max(0, games[g].MinutesOf(playerId));
            tm5 += games[g].For[TV.Min];
        }

        ri.ShareLast5 = tm5 > 0 ? 5 * pm5 / tm5 : 0;
        var own = last.IndexOf(playerId);
        ri.PlayedLast = own >= 0;
        ri.RankLastGame = 1;
        var ownLast = own >= 0 ? last.Minutes[own] : -1;
        foreach (var mm in last.Minutes)
        {
            if (mm > ownLast)
            {
                ri.RankLastGame++;
            }
        }
        for (var g = count - 1; g >= ts.SeasonStart && !games[g].Contains(playerId) && ri.ConsecutiveMissed < 20; g--)
        {
            ri.ConsecutiveMissed++;
        }

        if (ri.Absent > 0)
        {
            for (var g = Math.Max(ts.SeasonStart, count - AbsenceLookback); g < count; g++)
            {
                var tg = games[g];
                var pi = tg.IndexOf(playerId);
                if (pi < 0)
                {
                    continue;
                }

                var pm = tg.Minutes[pi];
                var vo = pi * TeamGame.ValCount;

                var anyOut = false;
                for (var a = 0; a < ri.Absent && !anyOut; a++)
                {
                    anyOut = !tg.Contains(_absent[a]);
                }

                if (anyOut)
                {
                    ri.WithAbsentMin += pm;
                    ri.WithAbsentPts += tg.Vals[vo];
                    ri.WithAbsentReb += tg.Vals[vo + 1];
                    ri.WithAbsentAst += tg.Vals[vo + 2];
                    ri.WithAbsentN++;
                }
                else
                {
                    ri.AllPresentMin += pm;
                    ri.AllPresentPts += tg.Vals[vo];
                    ri.AllPresentReb += tg.Vals[vo + 1];
                    ri.AllPresentAst += tg.Vals[vo + 2];
                    ri.AllPresentN++;
                }
            }
        }

        return ri;
    }
}

/// <summary>A dense row-major feature matrix (rows × <see cref="FeatureSchema.Count"/>).</summary>
public sealed class FeatureMatrix(float[] values, int rows, int columns)
{
    /// <summary>Row-major values.</summary>
    public float[] Values { get; } = values;

    /// <summary>Number of rows.</summary>
    public int Rows { get; } = rows;

    /// <summary>Number of columns.</summary>
    public int Columns { get; } = columns;

    /// <summary>The source records of the rows when built from history (same order), else empty.</summary>
    public IReadOnlyList<PlayerGameRecord> Records { get; init; } = [];

    /// <summary>One row.</summary>
    public ReadOnlySpan<float> Row(int i) => Values.AsSpan(i * Columns, Columns);

    /// <summary>
    /// Indices of the rows dated in [<paramref name="from"/>, <paramref name="to"/>), in order; with
    /// <paramref name="requireHistory"/>, only players with an earlier game (the baselines are undefined otherwise).
    /// </summary>
    public List<int> RowsBetween(DateOnly from, DateOnly to, bool requireHistory = false)
    {
        var hist = FeatureSchema.IndexOf("c_has_history");
        var rows = new List<int>();
        for (var i = 0; i < Rows; i++)
        {
            var d = Records[i].Date;
            if (d >= from && d < to && (!requireHistory || Values[(i * Columns) + hist] > 0))
            {
                rows.Add(i);
            }
        }

        return rows;
    }
}
