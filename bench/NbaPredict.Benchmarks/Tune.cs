using System.Diagnostics;
using System.Globalization;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Benchmarks;

/// <summary>
/// Fast tuning loop, never on the test season: one native L1 LightGBM per stat, trained on 2015-16 up to
/// --train-to (default 2022-08-01), MAE on every row with history of the season after it against the last-10 mean.
/// Prototype feature blocks are appended to the point-in-time matrix here before they earn a place in the
/// FeatureStore; the blocks and modes marked leaky measure ceilings and are never features.
/// </summary>
internal static class Tune
{
    public static void Run(string dataDir, string[] args)
    {
        var stats = new[] { StatKind.Pts, StatKind.Reb, StatKind.Ast };
        var blocks = new HashSet<string>();
        var trainFrom = new DateOnly(2015, 8, 1);
        var trainTo = new DateOnly(2022, 8, 1);
        var iters = 160;
        var lr = 0.12;
        var leaves = 31;
        var minLeaf = 100;
        var ff = 0.7;
        string? baseName = null;
        var oracles = false;
        var knownOutToday = false;
        var maskExtras = 0.0;
        var blankValExtras = false;
        var residualFeedback = false;
        var combo = false;
        var trainKnownOut = false;
        var debuts = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--stats": stats = [.. args[++i].Split(',').Select(Enum.Parse<StatKind>)]; break;
                case "--blocks": blocks = [.. args[++i].Split(',')]; break;
                case "--train-from": trainFrom = DateOnly.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--train-to": trainTo = DateOnly.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--iter": iters = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--lr": lr = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--leaves": leaves = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--min-leaf": minLeaf = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--base": baseName = args[++i]; break;
                case "--ff": ff = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--oracles": oracles = true; break;
                case "--known-out-today": knownOutToday = true; break;
                case "--mask-extras": maskExtras = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--blank-val-extras": blankValExtras = true; break;
                case "--residual-feedback": residualFeedback = true; break;
                case "--combo": combo = true; break;
                case "--train-known-out": trainKnownOut = true; knownOutToday = true; break;
                case "--debuts": debuts = true; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        var l1 = new L1Parameters(iters, lr, leaves, minLeaf, ff).ApplyTo(new TrainingOptions());
        var sw = Stopwatch.StartNew();
        var records = NbaCsvReader.ReadDirectory(dataDir);
        var (_, baseMatrix) = FeatureStore.BuildHistorical(records);
        var recs = baseMatrix.Records;
        var extraNames = new List<string>();
        var extra = new List<float[]>(); // column-major extras
        if (blocks.Contains("long"))
        {
            LongMemory(recs, extraNames, extra);
            if (Environment.GetEnvironmentVariable("TUNE_LONG_FILL") == "impute")
            {
                // no previous season: assume the player's last 40 games
                for (var c = 0; c < extra.Count; c++)
                {
                    if (extraNames[c].StartsWith("prev_season_", StringComparison.Ordinal))
                    {
                        var from = extra[extraNames.IndexOf("mean40_" + extraNames[c]["prev_season_".Length..])];
                        for (var i = 0; i < from.Length; i++)
                        {
                            extra[c][i] = float.IsNaN(extra[c][i]) ? from[i] : extra[c][i];
                        }
                    }
                }
            }

            if (Environment.GetEnvironmentVariable("TUNE_LONG_FILL") is "zero" or "impute")
            {
                // what the FeatureStore's writer does with a non-finite value
                foreach (var column in extra)
                {
                    for (var i = 0; i < column.Length; i++)
                    {
                        column[i] = float.IsNaN(column[i]) ? 0f : column[i];
                    }
                }
            }
        }

        if (blocks.Contains("median"))
        {
            Medians(recs, extraNames, extra);
        }

        if (blocks.Contains("leakytoday"))
        {
            LeakyTodayAbsences(recs, extraNames, extra);
        }

        if (blocks.Contains("oppabsent"))
        {
            OpponentAbsences(recs, extraNames, extra);
        }

        // The season after the training window is scored; never the test season (2023-24).
        var valFrom = trainTo;
        var valTo = trainTo.AddYears(1);
        if (valTo > new DateOnly(2023, 8, 1))
        {
            throw new ArgumentException("the tuning loop never scores the test season: --train-to must be 2022-08-01 or earlier");
        }
        var train = baseMatrix.RowsBetween(trainFrom, trainTo);
        var val = baseMatrix.RowsBetween(valFrom, valTo, requireHistory: !debuts);
        if (debuts)
        {
            // only the games of players without any earlier game: the model's prior against the flat newcomer prior
            var hist = FeatureSchema.IndexOf("c_has_history");
            val = [.. val.Where(i => baseMatrix.Values[(i * baseMatrix.Columns) + hist] == 0)];
        }


        if (blocks.Contains("minoof"))
        {
            MinutesOof(baseMatrix, extraNames, extra, train, val, l1);
        }

        if (oracles)
        {
            LeakyOracles(baseMatrix, val, stats);
            return;
        }

        var f0 = baseMatrix.Columns;
        var f = f0 + extra.Count;
        Console.WriteLine($"features {f0}+{extra.Count} ({string.Join(',', extraNames)}) built in {sw.Elapsed.TotalSeconds:F1}s; train {train.Count} val {val.Count}");
        // LEAKY BY DESIGN: every row featurized with the team's players missing from that day's box score given as
        // unavailable, standing in for an inactive list; for the model that serves queries naming their absences.
        var knownAbsences = knownOutToday ? FeatureStore.BuildHistoricalWithKnownAbsences(recs) : null;
        var xTrain = trainKnownOut ? Gather(knownAbsences!, extra, train, f) : Gather(baseMatrix, extra, train, f);
        var xVal = Gather(baseMatrix, extra, val, f);

        // An optional input (like a known-out list) is missing for some rows: train with a share of rows blanked,
        // and score with it present or blanked.
        var mask = new Random(20231024);
        BlankExtras(xTrain, train.Count, f0, f, _ => mask.NextDouble() < maskExtras);
        BlankExtras(xVal, val.Count, f0, f, _ => blankValExtras);
        // LEAKY stand-in for an inactive list: the validation rows featurized again with the team's players
        // missing from that day's box score given as unavailable; scored by the same model below.
        var xValKnownOut = knownAbsences is null ? null : Gather(knownAbsences, extra, val, f);
        if (combo)
        {
            Combo(baseMatrix, xTrain, train, xVal, val, f, stats, l1);
            return;
        }

        foreach (var stat in stats)
        {
            var key = stat.ToString().ToLowerInvariant();
            var iBase = baseName is null ? -1 : FeatureSchema.IndexOf(baseName.Replace("{s}", key, StringComparison.Ordinal));
            var y = train.Select(i => (float)(StatKinds.Get(recs[i], stat) - (iBase < 0 ? 0 : baseMatrix.Values[(i * f0) + iBase]))).ToArray();
            var forest = ModelTrainer.FitL1Forest(xTrain, train.Count, f, y, l1);
            var p = Score(forest, xVal, val.Count, f);
            if (iBase >= 0)
            {
                for (var r = 0; r < val.Count; r++)
                {
                    p[r] += baseMatrix.Values[(val[r] * f0) + iBase];
                }
            }
            var iLast10 = FeatureSchema.IndexOf("p_mean10_" + stat.ToString().ToLowerInvariant());
            double mae = 0, base10 = 0;
            for (var r = 0; r < val.Count; r++)
            {
                var a = StatKinds.Get(recs[val[r]], stat);
                mae += Math.Abs(a - p[r]);
                base10 += Math.Abs(a - baseMatrix.Values[(val[r] * f0) + iLast10]);
            }

            mae /= val.Count;
            base10 /= val.Count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stat,-5} L1 MAE {mae:F4}  last10 {base10:F4}  improvement {(1 - (mae / base10)) * 100:F2}%  ({sw.Elapsed.TotalSeconds:F0}s)"));
            if (debuts)
            {
                // the best single number for these rows, chosen knowing their outcomes: a flat prior cannot beat it
                var actuals = val.Select(i => StatKinds.Get(recs[i], stat)).Order().ToArray();
                var median = actuals[actuals.Length / 2];
                var constant = actuals.Average(a => Math.Abs(a - median));
                var mean = p.Average();
                var spread = Math.Sqrt(p.Average(x => (x - mean) * (x - mean)));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stat,-5}   debuts: best constant in hindsight ({median:F1}) MAE {constant:F4}; the model's predictions: mean {mean:F2}, sd {spread:F2}"));
            }

            if (residualFeedback)
            {
                ResidualFeedback(recs, val, p, stat, base10);
            }

            if (xValKnownOut is not null && iBase < 0)
            {
                var pOut = Score(forest, xValKnownOut, val.Count, f);
                double maeOut = 0;
                for (var r = 0; r < val.Count; r++)
                {
                    maeOut += Math.Abs(StatKinds.Get(recs[val[r]], stat) - pOut[r]);
                }

                maeOut /= val.Count;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stat,-5} same model, today's absences given as unavailable: MAE {maeOut:F4}  improvement {(1 - (maeOut / base10)) * 100:F2}%"));
            }
        }
    }

    /// <summary>
    /// Diversity among L1 members: several targets and depths, stacked by MAE weights fitted on the validation season's
    /// even days and scored on its odd days.
    /// </summary>
    private static void Combo(FeatureMatrix m, float[] xTrain, List<int> train, float[] xVal, List<int> val, int f, StatKind[] stats, TrainingOptions l1)
    {
        var recs = m.Records;
        var f0 = m.Columns;
        var deep = new L1Parameters(600, 0.04, 15, 50, 0.4).ApplyTo(new TrainingOptions());
        var even = Enumerable.Range(0, val.Count).Where(r => recs[val[r]].Date.DayNumber % 2 == 0).ToArray();
        var odd = Enumerable.Range(0, val.Count).Where(r => recs[val[r]].Date.DayNumber % 2 == 1).ToArray();
        foreach (var stat in stats)
        {
            var key = stat.ToString().ToLowerInvariant();
            var variants = new (string Name, string? Base, TrainingOptions Options)[]
            {
                ("raw", null, l1), ("raw-600", null, deep), ("minus-ewma", "p_ewma_" + key, l1), ("minus-last10", "p_mean10_" + key, l1),
                ("minus-rate-x-projmin", stat == StatKind.Min ? "r_proj_min" : "p_rate_x_projmin_" + key, l1),
            };
            var preds = new List<double[]>();
            foreach (var (name, baseName, options) in variants)
            {
                var iBase = baseName is null ? -1 : FeatureSchema.IndexOf(baseName);
                float BaseOf(int row) => iBase < 0 ? 0f : m.Values[(row * f0) + iBase];
                var y = train.Select(i => (float)(StatKinds.Get(recs[i], stat) - BaseOf(i))).ToArray();
                var p = Score(ModelTrainer.FitL1Forest(xTrain, train.Count, f, y, options), xVal, val.Count, f);
                for (var r = 0; r < val.Count; r++)
                {
                    p[r] += BaseOf(val[r]);
                }

                preds.Add(p);
            }

            var iLast10 = FeatureSchema.IndexOf("p_mean10_" + key);
            double Mae(int[] rows, Func<int, double> predict) => rows.Average(r => Math.Abs(StatKinds.Get(recs[val[r]], stat) - predict(r)));
            var base10 = Mae(odd, r => m.Values[(val[r] * f0) + iLast10]);
            for (var v = 0; v < variants.Length; v++)
            {
                var pv = preds[v];
                var mae = Mae(odd, r => pv[r]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stat,-5} {variants[v].Name,-22} odd-day MAE {mae:F4} improvement {(1 - (mae / base10)) * 100:F2}%"));
            }

            var (w, b) = L1Stacker.Fit([.. preds.Select(p => even.Select(r => p[r]).ToArray())], [.. even.Select(r => StatKinds.Get(recs[val[r]], stat))]);
            var stacked = Mae(odd, r => Math.Max(0, b + Enumerable.Range(0, w.Length).Sum(j => w[j] * preds[j][r])));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stat,-5} stacked ({string.Join(' ', w.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))} + {b:F2}) odd-day MAE {stacked:F4} improvement {(1 - (stacked / base10)) * 100:F2}%"));
        }
    }

    /// <summary>
    /// The feedback loop as a correction: each validation row is shifted by the player's own earlier residuals
    /// (actual − prediction) of the same season, known before tip-off, shrunk toward 0.
    /// </summary>
    private static void ResidualFeedback(IReadOnlyList<PlayerGameRecord> recs, List<int> val, double[] p, StatKind stat, double base10)
    {
        foreach (var window in new[] { 5, 10, 20, 82 })
        {
            foreach (var shrink in new[] { 3.0, 10.0, 30.0 })
            {
                foreach (var useMedian in new[] { false, true })
                {
                    var history = new Dictionary<int, List<double>>();
                    double mae = 0;
                    foreach (var (start, end) in FeatureStore.DayRuns(val.Select(i => recs[i]).ToList()))
                    {
                        for (var r = start; r < end; r++)
                        {
                            var corr = 0.0;
                            if (history.TryGetValue(recs[val[r]].PlayerId, out var h) && h.Count > 0)
                            {
                                var last = h.Skip(Math.Max(0, h.Count - window)).ToArray();
                                double centre;
                                if (useMedian)
                                {
                                    Array.Sort(last);
                                    centre = last.Length % 2 == 1 ? last[last.Length / 2] : 0.5 * (last[(last.Length / 2) - 1] + last[last.Length / 2]);
                                    corr = centre * last.Length / (last.Length + shrink);
                                }
                                else
                                {
                                    corr = last.Sum() / (last.Length + shrink);
                                }
                            }

                            mae += Math.Abs(StatKinds.Get(recs[val[r]], stat) - (p[r] + corr));
                        }

                        for (var r = start; r < end; r++)
                        {
                            var pid = recs[val[r]].PlayerId;
                            if (!history.TryGetValue(pid, out var h))
                            {
                                history[pid] = h = [];
                            }

                            h.Add(StatKinds.Get(recs[val[r]], stat) - p[r]);
                        }
                    }

                    mae /= val.Count;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stat,-5}   residual feedback window {window,2} shrink {shrink,2} {(useMedian ? "median" : "mean  ")}: MAE {mae:F4} improvement {(1 - (mae / base10)) * 100:F2}%"));
                }
            }
        }
    }

    /// <summary>Fits the L1 member exactly as training does (<see cref="ModelTrainer.FitL1Forest"/>) and scores other rows.</summary>
    private static double[] FitPredict(float[] x, int rows, int f, float[] y, float[] xv, int vrows, TrainingOptions options) =>
        Score(ModelTrainer.FitL1Forest(x, rows, f, y, options), xv, vrows, f);

    private static double[] Score(CompactForest forest, float[] xv, int vrows, int f)
    {
        var p = new double[vrows];
        for (var r = 0; r < vrows; r++)
        {
            p[r] = forest.Predict(xv.AsSpan(r * f, f));
        }

        return p;
    }

    private static float[] Gather(FeatureMatrix m, List<float[]> extra, List<int> rows, int f)
    {
        var x = new float[rows.Count * f];
        for (var r = 0; r < rows.Count; r++)
        {
            m.Row(rows[r]).CopyTo(x.AsSpan(r * f, m.Columns));
            for (var e = 0; e < extra.Count; e++)
            {
                x[(r * f) + m.Columns + e] = extra[e][rows[r]];
            }
        }

        return x;
    }

    /// <summary>Out-of-fold learned minutes (season folds on the training window, full fit for later rows) and rate × minutes.</summary>
    private static void MinutesOof(FeatureMatrix m, List<string> names, List<float[]> extra, List<int> train, List<int> val, TrainingOptions l1)
    {
        var recs = m.Records;
        var f = m.Columns;
        var oof = new float[m.Rows];
        var seasons = train.Select(i => FeatureStore.SeasonKeyOf(recs[i].Date)).Distinct().Order().ToArray();
        var folds = 4;
        for (var k = 0; k < folds; k++)
        {
            var held = seasons.Where((_, si) => si % folds == k).ToHashSet();
            var fit = train.Where(i => !held.Contains(FeatureStore.SeasonKeyOf(recs[i].Date))).ToList();
            var pred = train.Where(i => held.Contains(FeatureStore.SeasonKeyOf(recs[i].Date))).ToList();
            var p = FitPredict(Gather(m, [], fit, f), fit.Count, f, [.. fit.Select(i => (float)recs[i].Minutes)], Gather(m, [], pred, f), pred.Count, l1);
            for (var r = 0; r < pred.Count; r++)
            {
                oof[pred[r]] = (float)p[r];
            }
        }

        var pv = FitPredict(Gather(m, [], train, f), train.Count, f, [.. train.Select(i => (float)recs[i].Minutes)], Gather(m, [], val, f), val.Count, l1);
        for (var r = 0; r < val.Count; r++)
        {
            oof[val[r]] = (float)pv[r];
        }

        names.Add("min_hat");
        extra.Add(oof);
        string[] keys = ["pts", "reb", "ast", "fg3m", "stl", "blk", "tov"];
        foreach (var key in keys)
        {
            var i10 = FeatureSchema.IndexOf("p_rate10_" + key);
            var iS = FeatureSchema.IndexOf("p_rate_season_" + key);
            var col = new float[m.Rows];
            for (var i = 0; i < m.Rows; i++)
            {
                col[i] = oof[i] * 0.5f * (m.Values[(i * f) + i10] + m.Values[(i * f) + iS]);
            }

            names.Add("rate_x_minhat_" + key);
            extra.Add(col);
        }
    }

    /// <summary>Longer memory: means over the last 40 and 82 games, a slow EWMA, the previous season's means.</summary>
    private static void LongMemory(IReadOnlyList<PlayerGameRecord> recs, List<string> names, List<float[]> extra)
    {
        const int K = 8;
        var n = recs.Count;
        var m40 = new float[K][];
        var m82 = new float[K][];
        var slow = new float[K][];
        var prev = new float[K][];
        var rate40 = new float[K - 1][];
        for (var k = 0; k < K; k++)
        {
            m40[k] = new float[n];
            m82[k] = new float[n];
            slow[k] = new float[n];
            prev[k] = new float[n];
            if (k < K - 1)
            {
                rate40[k] = new float[n];
            }
        }

        var state = new Dictionary<int, LongState>();
        Span<double> v = stackalloc double[K];
        foreach (var (s, e) in FeatureStore.DayRuns(recs))
        {
            for (var i = s; i < e; i++)
            {
                state.TryGetValue(recs[i].PlayerId, out var st);
                var season = FeatureStore.SeasonKeyOf(recs[i].Date);
                for (var k = 0; k < K; k++)
                {
                    if (st is null || st.Count == 0)
                    {
                        m40[k][i] = m82[k][i] = slow[k][i] = prev[k][i] = float.NaN;
                        continue;
                    }

                    m40[k][i] = (float)st.Mean(k, 40);
                    m82[k][i] = (float)st.Mean(k, 82);
                    slow[k][i] = (float)st.Slow[k];
                    var prevSeason = st.SeasonKey == season ? st.PrevSum : st.SeasonSum;
                    var prevGames = st.SeasonKey == season ? st.PrevGames : st.SeasonGames;
                    prev[k][i] = prevGames > 0 ? (float)(prevSeason[k] / prevGames) : float.NaN;
                }

                if (st is { Count: > 0 })
                {
                    var min40 = st.Sum(7, 40);
                    for (var k = 0; k < K - 1; k++)
                    {
                        rate40[k][i] = (float)(st.Sum(k, 40) / Math.Max(min40, 1));
                    }
                }
                else
                {
                    for (var k = 0; k < K - 1; k++)
                    {
                        rate40[k][i] = float.NaN;
                    }
                }
            }

            for (var i = s; i < e; i++)
            {
                var r = recs[i];
                if (!state.TryGetValue(r.PlayerId, out var st))
                {
                    st = new LongState();
                    state[r.PlayerId] = st;
                }

                v[0] = r.Pts; v[1] = r.Reb; v[2] = r.Ast; v[3] = r.Fg3m; v[4] = r.Stl; v[5] = r.Blk; v[6] = r.Tov; v[7] = r.Minutes;
                var season = FeatureStore.SeasonKeyOf(r.Date);
                if (st.SeasonKey != season)
                {
                    if (st.SeasonGames > 0)
                    {
                        Array.Copy(st.SeasonSum, st.PrevSum, K);
                        st.PrevGames = st.SeasonGames;
                    }

                    Array.Clear(st.SeasonSum);
                    st.SeasonGames = 0;
                    st.SeasonKey = season;
                }

                st.Push(v);
            }
        }

        string[] keys = ["pts", "reb", "ast", "fg3m", "stl", "blk", "tov", "min"];
        var parts = Environment.GetEnvironmentVariable("TUNE_LONG_PARTS")?.Split(',') ?? ["mean40", "mean82", "ewma_slow", "prev_season", "rate40"];
        for (var k = 0; k < K; k++)
        {
            foreach (var (part, column) in new[] { ("mean40", m40[k]), ("mean82", m82[k]), ("ewma_slow", slow[k]), ("prev_season", prev[k]), ("rate40", k < K - 1 ? rate40[k] : null) })
            {
                if (column is not null && parts.Contains(part))
                {
                    names.Add(part + "_" + keys[k]);
                    extra.Add(column);
                }
            }
        }
    }

    /// <summary>The opponent's rotation players missing from its last game: count, their minutes, points and rebounds per game.</summary>
    private static void OpponentAbsences(IReadOnlyList<PlayerGameRecord> recs, List<string> names, List<float[]> extra)
    {
        var n = recs.Count;
        var cols = new float[5][];
        for (var c = 0; c < cols.Length; c++)
        {
            cols[c] = new float[n];
        }

        // per team: list of games (day, player -> (min, pts, reb))
        var games = new Dictionary<string, List<(int Day, Dictionary<int, (int Min, int Pts, int Reb)> Players)>>();
        foreach (var (s, e) in FeatureStore.DayRuns(recs))
        {
            for (var i = s; i < e; i++)
            {
                var opp = recs[i].OpponentCode;
                if (!games.TryGetValue(opp, out var list) || list.Count == 0)
                {
                    continue;
                }

                var last = list[^1].Players;
                var window = list.Skip(Math.Max(0, list.Count - 11)).Take(Math.Min(10, list.Count - 1)).ToList(); // the 10 games before the last
                var stats = new Dictionary<int, (int Games, double Min, double Pts, double Reb)>();
                foreach (var g in window)
                {
                    foreach (var (pid, v) in g.Players)
                    {
                        stats.TryGetValue(pid, out var a);
                        stats[pid] = (a.Games + (v.Min >= 15 ? 1 : 0), a.Min + v.Min, a.Pts + v.Pts, a.Reb + v.Reb);
                    }
                }

                double count = 0, min = 0, pts = 0, reb = 0, rotMin = 0;
                foreach (var (pid, a) in stats)
                {
                    if (a.Games < 3)
                    {
                        continue;
                    }

                    var gp = window.Count(g => g.Players.ContainsKey(pid));
                    rotMin += a.Min / gp;
                    if (!last.ContainsKey(pid))
                    {
                        count++;
                        min += a.Min / gp;
                        pts += a.Pts / gp;
                        reb += a.Reb / gp;
                    }
                }

                cols[0][i] = (float)count;
                cols[1][i] = (float)min;
                cols[2][i] = (float)pts;
                cols[3][i] = (float)reb;
                cols[4][i] = rotMin > 0 ? (float)(min / rotMin) : 0;
            }

            for (var i = s; i < e; i++)
            {
                var r = recs[i];
                if (!games.TryGetValue(r.TeamCode, out var list))
                {
                    list = [];
                    games[r.TeamCode] = list;
                }

                if (list.Count == 0 || list[^1].Day != r.Date.DayNumber)
                {
                    list.Add((r.Date.DayNumber, new Dictionary<int, (int, int, int)>()));
                }

                list[^1].Players[r.PlayerId] = (r.Minutes, r.Pts, r.Reb);
            }
        }

        string[] nm = ["opp_absent_count", "opp_absent_min", "opp_absent_pts", "opp_absent_reb", "opp_absent_min_share"];
        for (var c = 0; c < cols.Length; c++)
        {
            names.Add(nm[c]);
            extra.Add(cols[c]);
        }
    }

    private sealed class LongState
    {
        private const int Ring = 82;
        private readonly double[] _ring = new double[Ring * 8];
        private int _head;
        public int Count;
        public readonly double[] Slow = new double[8];
        public readonly double[] SeasonSum = new double[8];
        public readonly double[] PrevSum = new double[8];
        public int SeasonGames;
        public int PrevGames;
        public int SeasonKey = int.MinValue;

        public void Push(ReadOnlySpan<double> v)
        {
            for (var k = 0; k < 8; k++)
            {
                _ring[(_head * 8) + k] = v[k];
                Slow[k] = Count == 0 ? v[k] : (0.05 * v[k]) + (0.95 * Slow[k]);
                SeasonSum[k] += v[k];
            }

            SeasonGames++;
            _head = (_head + 1) % Ring;
            Count = Math.Min(Count + 1, Ring);
        }

        public double Sum(int k, int w)
        {
            var m = Math.Min(w, Count);
            double s = 0;
            for (var j = 0; j < m; j++)
            {
                s += _ring[((((_head - 1 - j) % Ring) + Ring) % Ring * 8) + k];
            }

            return s;
        }

        public double Mean(int k, int w) => Sum(k, w) / Math.Min(w, Count);
    }

    /// <summary>Rolling medians (5, 10, 20 games) and the 25th/75th percentiles of the last 20 games, for PTS/REB/AST/MIN and per-minute PTS/REB/AST.</summary>
    private static void Medians(IReadOnlyList<PlayerGameRecord> recs, List<string> names, List<float[]> extra)
    {
        const int W = 20;
        const int K = 7;
        string[] keys = ["pts", "reb", "ast", "min", "pts_pm", "reb_pm", "ast_pm"];
        var n = recs.Count;
        var cols = new float[K * 5][];
        for (var c = 0; c < cols.Length; c++)
        {
            cols[c] = new float[n];
        }

        var hist = new Dictionary<int, List<double[]>>();
        var buf = new double[W];
        foreach (var (s, e) in FeatureStore.DayRuns(recs))
        {
            for (var i = s; i < e; i++)
            {
                hist.TryGetValue(recs[i].PlayerId, out var h);
                for (var k = 0; k < K; k++)
                {
                    if (h is null || h.Count == 0)
                    {
                        for (var q = 0; q < 5; q++)
                        {
                            cols[(k * 5) + q][i] = float.NaN;
                        }

                        continue;
                    }

                    cols[(k * 5) + 0][i] = Quantile(h, k, 5, 0.5, buf);
                    cols[(k * 5) + 1][i] = Quantile(h, k, 10, 0.5, buf);
                    cols[(k * 5) + 2][i] = Quantile(h, k, 20, 0.5, buf);
                    cols[(k * 5) + 3][i] = Quantile(h, k, 20, 0.25, buf);
                    cols[(k * 5) + 4][i] = Quantile(h, k, 20, 0.75, buf);
                }
            }

            for (var i = s; i < e; i++)
            {
                var r = recs[i];
                if (!hist.TryGetValue(r.PlayerId, out var h))
                {
                    h = [];
                    hist[r.PlayerId] = h;
                }

                var min = Math.Max(r.Minutes, 1.0);
                h.Add([r.Pts, r.Reb, r.Ast, r.Minutes, r.Pts / min, r.Reb / min, r.Ast / min]);
                if (h.Count > W)
                {
                    h.RemoveAt(0);
                }
            }
        }

        for (var k = 0; k < K; k++)
        {
            names.Add("med5_" + keys[k]); extra.Add(cols[(k * 5) + 0]);
            names.Add("med10_" + keys[k]); extra.Add(cols[(k * 5) + 1]);
            names.Add("med20_" + keys[k]); extra.Add(cols[(k * 5) + 2]);
            names.Add("q25_20_" + keys[k]); extra.Add(cols[(k * 5) + 3]);
            names.Add("q75_20_" + keys[k]); extra.Add(cols[(k * 5) + 4]);
        }
    }

    private static float Quantile(List<double[]> h, int k, int window, double q, double[] buf)
    {
        var m = Math.Min(window, h.Count);
        for (var j = 0; j < m; j++)
        {
            buf[j] = h[h.Count - 1 - j][k];
        }

        Array.Sort(buf, 0, m);
        var pos = q * (m - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, m - 1);
        return (float)(buf[lo] + ((buf[hi] - buf[lo]) * (pos - lo)));
    }

    /// <summary>
    /// LEAKY BY DESIGN, a ceiling measurement only: which of the team's rotation players are missing from
    /// <em>today's</em> box score (a stand-in for the pre-game inactive list). Never a product feature: the
    /// contract predicts from history strictly before the date.
    /// </summary>
    private static void LeakyTodayAbsences(IReadOnlyList<PlayerGameRecord> recs, List<string> names, List<float[]> extra)
    {
        var n = recs.Count;
        var cols = new float[5][];
        for (var c = 0; c < cols.Length; c++)
        {
            cols[c] = new float[n];
        }

        var teamGames = new Dictionary<string, List<Dictionary<int, (int Min, int Pts)>>>();
        foreach (var (s, e) in Games(recs))
        {
            foreach (var team in new[] { recs[s].TeamCode, recs[s].OpponentCode })
            {
                var today = new Dictionary<int, (int Min, int Pts)>();
                for (var i = s; i < e; i++)
                {
                    if (recs[i].TeamCode == team)
                    {
                        today[recs[i].PlayerId] = (recs[i].Minutes, recs[i].Pts);
                    }
                }

                if (!teamGames.TryGetValue(team, out var past))
                {
                    past = [];
                    teamGames[team] = past;
                }

                // rotation = average >= 12 minutes over the team's last 10 games (0 when absent)
                var totals = new Dictionary<int, (double Min, double Pts, int Played)>();
                foreach (var g in past)
                {
                    foreach (var (pid, v) in g)
                    {
                        totals.TryGetValue(pid, out var t);
                        totals[pid] = (t.Min + v.Min, t.Pts + v.Pts, t.Played + 1);
                    }
                }

                double absent = 0, absentMin = 0, absentPts = 0, returning = 0, returningMin = 0;
                var games = Math.Max(past.Count, 1);
                var last = past.Count > 0 ? past[^1] : null;
                foreach (var (pid, t) in totals)
                {
                    if (t.Min / games < 12)
                    {
                        continue;
                    }

                    if (!today.ContainsKey(pid))
                    {
                        absent++;
                        absentMin += t.Min / t.Played;
                        absentPts += t.Pts / t.Played;
                    }
                    else if (last is not null && !last.ContainsKey(pid))
                    {
                        returning++;
                        returningMin += t.Min / t.Played;
                    }
                }

                for (var i = s; i < e; i++)
                {
                    if (recs[i].TeamCode == team)
                    {
                        cols[0][i] = (float)absent;
                        cols[1][i] = (float)absentMin;
                        cols[2][i] = (float)absentPts;
                        cols[3][i] = (float)returning;
                        cols[4][i] = (float)returningMin;
                    }
                }

                past.Add(today);
                if (past.Count > 10)
                {
                    past.RemoveAt(0);
                }
            }
        }

        string[] labels = ["today_absent_rotation", "today_absent_rotation_min", "today_absent_rotation_pts", "today_returning_rotation", "today_returning_rotation_min"];
        for (var c = 0; c < cols.Length; c++)
        {
            names.Add(labels[c]); extra.Add(cols[c]);
        }
    }

    /// <summary>
    /// LEAKY BY DESIGN, a ceiling measurement only. Two predictors that know the future, scored against the last-10
    /// mean on the validation rows whose player has at least 5 other games that season: the median of the player's
    /// other games of the season (a perfect estimate of his level), and his season per-minute rate times the minutes
    /// he actually played (a perfect minutes forecast).
    /// </summary>
    private static void LeakyOracles(FeatureMatrix m, List<int> val, StatKind[] stats)
    {
        var recs = m.Records;
        var bySeasonPlayer = val.GroupBy(i => recs[i].PlayerId).ToDictionary(g => g.Key, g => g.ToArray());
        foreach (var stat in stats)
        {
            var iLast10 = FeatureSchema.IndexOf("p_mean10_" + stat.ToString().ToLowerInvariant());
            double base10 = 0, level = 0, minutes = 0;
            var rows = 0;
            foreach (var i in val)
            {
                var others = bySeasonPlayer[recs[i].PlayerId].Where(j => j != i && recs[j].Minutes > 0).ToArray();
                if (others.Length < 5)
                {
                    continue;
                }

                var values = others.Select(j => StatKinds.Get(recs[j], stat)).Order().ToArray();
                var median = values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
                var rate = others.Sum(j => StatKinds.Get(recs[j], stat)) / others.Sum(j => (double)recs[j].Minutes);
                var actual = StatKinds.Get(recs[i], stat);
                base10 += Math.Abs(actual - m.Values[(i * m.Columns) + iLast10]);
                level += Math.Abs(actual - median);
                minutes += Math.Abs(actual - (rate * recs[i].Minutes));
                rows++;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{stat,-5} rows {rows}  last10 {base10 / rows:F4}  season-median oracle {level / rows:F4} ({(1 - (level / base10)) * 100:F1}%)  rate x actual-minutes oracle {minutes / rows:F4} ({(1 - (minutes / base10)) * 100:F1}%)"));
        }
    }

    private static void BlankExtras(float[] x, int rows, int from, int f, Func<int, bool> blank)
    {
        for (var r = 0; r < rows; r++)
        {
            if (blank(r))
            {
                x.AsSpan((r * f) + from, f - from).Fill(float.NaN);
            }
        }
    }

    /// <summary>Index ranges [start, end) of the records of each game.</summary>
    private static IEnumerable<(int Start, int End)> Games(IReadOnlyList<PlayerGameRecord> recs) => RunsOf(recs, static r => r.GameId);

    private static IEnumerable<(int Start, int End)> RunsOf<TKey>(IReadOnlyList<PlayerGameRecord> recs, Func<PlayerGameRecord, TKey> key)
    {
        var s = 0;
        while (s < recs.Count)
        {
            var e = s + 1;
            while (e < recs.Count && EqualityComparer<TKey>.Default.Equals(key(recs[e]), key(recs[s])))
            {
                e++;
            }

            yield return (s, e);
            s = e;
        }
    }
}
