using System.Diagnostics;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Evaluation;
using NbaPredict.Ml.Features;

namespace NbaPredict.Ml.Modeling;

/// <summary>The hyperparameters of the native L1 LightGBM member that the search varies.</summary>
public sealed record L1Parameters(int Iterations, double LearningRate, int Leaves, int MinDataInLeaf, double FeatureFraction)
{
    /// <summary>The parameters <paramref name="o"/> trains with.</summary>
    public static L1Parameters From(TrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new(o.L1Iterations, o.L1LearningRate, o.L1Leaves, o.L1MinDataInLeaf > 0 ? o.L1MinDataInLeaf : o.MinExamplesPerLeaf, o.L1FeatureFraction > 0 ? o.L1FeatureFraction : o.LightGbmFeatureFraction);
    }

    /// <summary><paramref name="o"/> with these parameters for its L1 member.</summary>
    public TrainingOptions ApplyTo(TrainingOptions o) => o with
    {
        L1Iterations = Iterations,
        L1LearningRate = LearningRate,
        L1Leaves = Leaves,
        L1MinDataInLeaf = MinDataInLeaf,
        L1FeatureFraction = FeatureFraction,
    };
}

/// <summary>Ranges the search samples from (log-uniform for rounds and learning rate).</summary>
public sealed record SearchSpace(
    (int Min, int Max) Iterations,
    (double Min, double Max) LearningRate,
    IReadOnlyList<int> Leaves,
    IReadOnlyList<int> MinDataInLeaf,
    (double Min, double Max) FeatureFraction)
{
    /// <summary>The space used for the production search.</summary>
    public static SearchSpace Standard { get; } = new((80, 800), (0.02, 0.2), [15, 31, 63, 127], [25, 50, 100, 200, 400], (0.3, 0.9));

    internal L1Parameters Sample(Random rng)
    {
        var it = (int)Math.Round(Math.Exp(Uniform(rng, Math.Log(Iterations.Min), Math.Log(Iterations.Max))));
        var lr = Math.Round(Math.Exp(Uniform(rng, Math.Log(LearningRate.Min), Math.Log(LearningRate.Max))), 4);
        var ff = Math.Round(Uniform(rng, FeatureFraction.Min, FeatureFraction.Max), 2);
        return new(it, lr, Leaves[rng.Next(Leaves.Count)], MinDataInLeaf[rng.Next(MinDataInLeaf.Count)], ff);
    }

    private static double Uniform(Random rng, double min, double max) => min + (rng.NextDouble() * (max - min));
}

/// <summary>What to search: rows to fit on and to score (the score season must come after the fit rows).</summary>
public sealed record SearchPlan(DateOnly TrainFrom, DateOnly TrainTo, DateOnly ValidateFrom, DateOnly ValidateTo)
{
    /// <summary>The windows of a training run: fit on its training window, score on its calibration season.</summary>
    public static SearchPlan From(TrainingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new(plan.TrainFrom, plan.TrainTo, plan.CalibrationFrom, plan.CalibrationTo);
    }
}

/// <summary>Settings of one search.</summary>
public sealed record SearchSettings
{
    /// <summary>Stats scored (the mean of their MAE relative to the last-10 mean is minimised).</summary>
    public IReadOnlyList<StatKind> Stats { get; init; } = [StatKind.Pts, StatKind.Reb, StatKind.Ast];

    /// <summary>Configurations in the first rung; the first is always the current options.</summary>
    public int Configurations { get; init; } = 27;

    /// <summary>Each rung keeps the best 1/Eta and gives them Eta times the rows.</summary>
    public int Eta { get; init; } = 3;

    /// <summary>No new trial starts after this much time; the best trial of the highest rung reached wins.</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Seed of the sampler and of the row subsamples.</summary>
    public int Seed { get; init; } = 20231024;

    /// <summary>The ranges sampled.</summary>
    public SearchSpace Space { get; init; } = SearchSpace.Standard;
}

/// <summary>One evaluated configuration at one rung.</summary>
public sealed record SearchTrial(int Id, int Configuration, int Rung, int TrainRows, int ValidationRows, L1Parameters Parameters, IReadOnlyDictionary<StatKind, double> Mae, IReadOnlyDictionary<StatKind, double> ImprovementVsLast10Pct, double Score, double Seconds);

/// <summary>Every trial in the order run, and the winner.</summary>
public sealed record SearchResult(IReadOnlyList<SearchTrial> Trials, SearchTrial Best, bool BudgetExhausted)
{
    /// <summary>The winner's parameters applied to <paramref name="baseOptions"/>.</summary>
    public TrainingOptions BestOptions(TrainingOptions baseOptions) => Best.Parameters.ApplyTo(baseOptions);
}

/// <summary>
/// Successive halving over the native L1 LightGBM member (the member with most of the stacking weight): random
/// configurations are fitted on a small nested subsample of the training window and scored on a later season;
/// the best third moves up a rung with three times the rows, until one is fitted on all rows or the time budget
/// ends. Walk-forward by construction: the scored season is after every fitted row.
/// </summary>
public static class HyperparameterSearch
{
    /// <summary>Runs the search; <paramref name="onTrial"/> sees each trial as it finishes (to record or show it).</summary>
    public static SearchResult Run(FeatureMatrix matrix, SearchPlan plan, TrainingOptions baseOptions, SearchSettings settings, Action<SearchTrial>? onTrial = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(baseOptions);
        ArgumentNullException.ThrowIfNull(settings);
        if (plan.ValidateFrom < plan.TrainTo)
        {
            throw new ArgumentException("The scored window must start after the training window ends (walk-forward).", nameof(plan));
        }

        if (settings.Configurations < 1 || settings.Eta < 2)
        {
            throw new ArgumentException("A search needs at least one configuration and Eta ≥ 2.", nameof(settings));
        }

        var train = matrix.RowsBetween(plan.TrainFrom, plan.TrainTo);
        var validate = matrix.RowsBetween(plan.ValidateFrom, plan.ValidateTo, requireHistory: true);
        if (train.Count < 100 || validate.Count < 100)
        {
            throw new InvalidOperationException($"Not enough rows to search: {train.Count} to fit, {validate.Count} to score.");
        }

        // Rungs: the last one fits every row; each earlier one a nested random 1/Eta of the next.
        var rungs = 0;
        for (var n = settings.Configurations; n > 1; n = (int)Math.Ceiling(n / (double)settings.Eta))
        {
            rungs++;
        }

        var rng = new Random(settings.Seed);
        var shuffled = train.OrderBy(_ => rng.Next()).ToArray();
        var configs = new List<L1Parameters> { L1Parameters.From(baseOptions) };
        while (configs.Count < settings.Configurations)
        {
            configs.Add(settings.Space.Sample(rng));
        }

        var validationX = Gather(matrix, validate);
        var baselines = settings.Stats.ToDictionary(s => s, s => Last10Mae(matrix, validate, s));
        var clock = Stopwatch.StartNew();
        var trials = new List<SearchTrial>();
        var alive = Enumerable.Range(0, configs.Count).ToList();
        var exhausted = false;
        for (var rung = 0; rung <= rungs && !exhausted; rung++)
        {
            var take = (int)Math.Max(100, Math.Round(shuffled.Length / Math.Pow(settings.Eta, rungs - rung)));
            var rows = shuffled.Take(Math.Min(take, shuffled.Length)).Order().ToList();
            var x = Gather(matrix, rows);
            var rungTrials = new List<SearchTrial>();
            foreach (var c in alive)
            {
                if (trials.Count > 0 && clock.Elapsed >= settings.Budget)
                {
                    exhausted = true;
                    break;
                }

                var trial = RunTrial(trials.Count, c, rung, configs[c], baseOptions, settings.Stats, matrix, rows, x, validate, validationX, baselines);
                trials.Add(trial);
                rungTrials.Add(trial);
                onTrial?.Invoke(trial);
            }

            // Survivors run in order of their score, so a rung cut short by the budget has run the most promising first.
            var keep = (int)Math.Ceiling(alive.Count / (double)settings.Eta);
            alive = [.. rungTrials.OrderBy(t => t.Score).ThenBy(t => t.Configuration).Take(keep).Select(t => t.Configuration)];
        }

        var topRung = trials.Max(t => t.Rung);
        var best = trials.Where(t => t.Rung == topRung).OrderBy(t => t.Score).ThenBy(t => t.Configuration).First();
        return new SearchResult(trials, best, exhausted);
    }

    private static SearchTrial RunTrial(int id, int configuration, int rung, L1Parameters parameters, TrainingOptions baseOptions, IReadOnlyList<StatKind> stats,
        FeatureMatrix matrix, List<int> rows, float[] x, List<int> validate, float[] validationX, Dictionary<StatKind, double> baselines)
    {
        var sw = Stopwatch.StartNew();
        var options = parameters.ApplyTo(baseOptions);
        var f = matrix.Columns;
        var mae = new Dictionary<StatKind, double>();
        var improvement = new Dictionary<StatKind, double>();
        double score = 0;
        foreach (var stat in stats)
        {
            var y = rows.Select(i => (float)StatKinds.Get(matrix.Records[i], stat)).ToArray();
            var forest = ModelTrainer.FitL1Forest(x, rows.Count, f, y, options);
            double sum = 0;
            for (var r = 0; r < validate.Count; r++)
            {
                sum += Math.Abs(StatKinds.Get(matrix.Records[validate[r]], stat) - forest.Predict(validationX.AsSpan(r * f, f)));
            }

            var m = sum / validate.Count;
            mae[stat] = m;
            improvement[stat] = StatMetrics.ImprovementPct(m, baselines[stat]);
            score += baselines[stat] > 0 ? m / baselines[stat] : m;
        }

        return new SearchTrial(id, configuration, rung, rows.Count, validate.Count, parameters, mae, improvement, score / stats.Count, sw.Elapsed.TotalSeconds);
    }

    private static double Last10Mae(FeatureMatrix matrix, List<int> rows, StatKind stat)
    {
        var i10 = FeatureSchema.IndexOf("p_mean10_" + stat.ToString().ToLowerInvariant());
        double sum = 0;
        foreach (var r in rows)
        {
            sum += Math.Abs(StatKinds.Get(matrix.Records[r], stat) - matrix.Values[(r * matrix.Columns) + i10]);
        }

        return sum / rows.Count;
    }

    private static float[] Gather(FeatureMatrix matrix, List<int> rows)
    {
        var f = matrix.Columns;
        var x = new float[rows.Count * f];
        for (var r = 0; r < rows.Count; r++)
        {
            matrix.Values.AsSpan(rows[r] * f, f).CopyTo(x.AsSpan(r * f, f));
        }

        return x;
    }
}
