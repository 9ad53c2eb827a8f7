using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Features.Predictions;

namespace NbaPredict.Core.Features.Experiments;

/// <summary>One stat's mean absolute error.</summary>
public sealed record StatMae(string Stat, double Mae);

/// <summary>A variant's record: how often it was served, and its errors on every scored player-game of the experiment.</summary>
public sealed record VariantResult(
    string ModelVersion,
    int Weight,
    int PredictionsServed,
    int PredictionsScored,
    double? Mae,
    double? Coverage80,
    IReadOnlyList<StatMae> StatMae);

public static class ExperimentResultStatus
{
    /// <summary>Fewer paired, scored player-games than the minimum sample size: no verdict yet.</summary>
    public const string NotYet = "NOT_YET";

    /// <summary>Enough data, but no variant is significantly better than every other.</summary>
    public const string NoDifference = "NO_SIGNIFICANT_DIFFERENCE";

    public const string Winner = "WINNER";
}

/// <summary>
/// The verdict: a winner when the variant with the lowest MAE beats every other variant on paired absolute errors
/// (two-sided paired bootstrap, p below <see cref="ExperimentResultCalculator.Alpha"/>) over at least the minimum sample.
/// </summary>
[System.ComponentModel.ImmutableObject(true)]
public sealed record ExperimentResult(string Status, string? Winner, double? PValue, int SampleSize, int MinimumSampleSize, IReadOnlyList<VariantResult> Variants);

/// <summary>A stored prediction joined to the player's real line.</summary>
public sealed record ScoredPrediction(string GameId, int PlayerId, string ModelVersion, string StatsJson, int[] Actual);

public static class ExperimentResultCalculator
{
    public const double Alpha = 0.05;
    public const int BootstrapResamples = 2_000;
    public const int Seed = 20_261_124;

    /// <summary>The actual line in the order of the predicted stats: PTS REB AST FG3M STL BLK TOV MIN.</summary>
    public static readonly string[] StatOrder = ["PTS", "REB", "AST", "FG3M", "STL", "BLK", "TOV", "MIN"];

    /// <summary>
    /// Every variant's served count, MAE (mean over the eight stats, and per stat) and 80% coverage, and the paired
    /// significance test, from the experiment's predictions joined to real results.
    /// </summary>
    public static ExperimentResult Compute(IReadOnlyList<ExperimentVariant> variants, IReadOnlyDictionary<string, int> served, IReadOnlyList<ScoredPrediction> scored, int minimumSampleSize)
    {
        // Mean absolute error over the stats of each (player-game, variant).
        var errors = new Dictionary<(string GameId, int PlayerId), Dictionary<string, double>>();
        var perVariant = variants.ToDictionary(v => v.ModelVersion, _ => new Accumulator(), StringComparer.Ordinal);
        foreach (var row in scored)
        {
            if (!perVariant.TryGetValue(row.ModelVersion, out var accumulator))
            {
                continue;
            }

            var stats = PredictionStats.Parse(row.StatsJson);
            var total = 0.0;
            var counted = 0;
            foreach (var stat in stats)
            {
                var index = Array.IndexOf(StatOrder, stat.Stat);
                if (index < 0)
                {
                    continue;
                }

                var actual = row.Actual[index];
                var error = Math.Abs(stat.Value - actual);
                accumulator.Add(index, error, actual >= stat.Lower80 && actual <= stat.Upper80);
                total += error;
                counted++;
            }

            if (counted > 0)
            {
                accumulator.Rows++;
                var key = (row.GameId, row.PlayerId);
                if (!errors.TryGetValue(key, out var byVariant))
                {
                    errors[key] = byVariant = new Dictionary<string, double>(StringComparer.Ordinal);
                }

                byVariant[row.ModelVersion] = total / counted;
            }
        }

        var results = variants.Select(v => perVariant[v.ModelVersion].ToResult(v, served.GetValueOrDefault(v.ModelVersion))).ToList();
        var paired = errors.Values.Where(e => variants.All(v => e.ContainsKey(v.ModelVersion))).ToList();
        if (paired.Count < Math.Max(1, minimumSampleSize))
        {
            return new ExperimentResult(ExperimentResultStatus.NotYet, null, null, paired.Count, minimumSampleSize, results);
        }

        // The best variant on the paired sample is compared with every other; it wins if it is better than each.
        var means = variants.ToDictionary(v => v.ModelVersion, v => paired.Average(e => e[v.ModelVersion]), StringComparer.Ordinal);
        var best = variants.MinBy(v => means[v.ModelVersion])!.ModelVersion;
        var pValue = variants.Where(v => v.ModelVersion != best)
            .Max(v => PairedBootstrapPValue(paired.Select(e => e[v.ModelVersion] - e[best]).ToArray()));
        return pValue < Alpha
            ? new ExperimentResult(ExperimentResultStatus.Winner, best, pValue, paired.Count, minimumSampleSize, results)
            : new ExperimentResult(ExperimentResultStatus.NoDifference, null, pValue, paired.Count, minimumSampleSize, results);
    }

    /// <summary>
    /// Two-sided p-value of "the mean paired difference is zero": the differences are centred (the null hypothesis
    /// made true) and resampled with replacement; p is the share of resampled means at least as far from zero as
    /// the observed one. Fixed seed, so the same data always gives the same answer.
    /// </summary>
    public static double PairedBootstrapPValue(double[] differences)
    {
        var n = differences.Length;
        var observed = differences.Average();
        var centred = differences.Select(d => d - observed).ToArray();
        var random = new Random(Seed);
        var extreme = 0;
        for (var b = 0; b < BootstrapResamples; b++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                sum += centred[random.Next(n)];
            }

            if (Math.Abs(sum / n) >= Math.Abs(observed))
            {
                extreme++;
            }
        }

        return (extreme + 1.0) / (BootstrapResamples + 1.0);
    }

    /// <summary>The experiment's predictions joined to real lines (minutes &gt; 0) in one query on the database.</summary>
    public static async Task<IReadOnlyList<ScoredPrediction>> LoadScoredAsync(NbaDbContext db, int experimentId, CancellationToken cancellationToken)
    {
        var rows = await (
            from p in db.Predictions.AsNoTracking()
            join a in db.PlayerGames.AsNoTracking() on new { p.GameId, p.PlayerId } equals new { a.GameId, a.PlayerId }
            where p.ExperimentId == experimentId && a.Minutes > 0
            select new { p.GameId, p.PlayerId, p.ModelVersion, p.StatsJson, a.Pts, a.Reb, a.Ast, a.Fg3m, a.Stl, a.Blk, a.Tov, a.Minutes })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new ScoredPrediction(r.GameId, r.PlayerId, r.ModelVersion, r.StatsJson, [r.Pts, r.Reb, r.Ast, r.Fg3m, r.Stl, r.Blk, r.Tov, r.Minutes])).ToList();
    }

    private sealed class Accumulator
    {
        private readonly double[] absoluteErrors = new double[StatOrder.Length];
        private readonly int[] counts = new int[StatOrder.Length];
        private int covered;
        private int checkedIntervals;

        public int Rows { get; set; }

        public void Add(int stat, double error, bool inside80)
        {
            absoluteErrors[stat] += error;
            counts[stat]++;
            checkedIntervals++;
            covered += inside80 ? 1 : 0;
        }

        public VariantResult ToResult(ExperimentVariant variant, int served)
        {
            var stats = StatOrder.Select((s, i) => (s, i)).Where(x => counts[x.i] > 0).Select(x => new StatMae(x.s, Math.Round(absoluteErrors[x.i] / counts[x.i], 4))).ToList();
            return new VariantResult(
                variant.ModelVersion,
                variant.Weight,
                served,
                Rows,
                stats.Count == 0 ? null : Math.Round(stats.Average(s => s.Mae), 4),
                checkedIntervals == 0 ? null : Math.Round((double)covered / checkedIntervals, 4),
                stats);
        }
    }
}
