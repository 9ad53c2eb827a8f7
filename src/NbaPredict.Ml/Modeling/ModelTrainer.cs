using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Evaluation;
using NbaPredict.Ml.Features;

namespace NbaPredict.Ml.Modeling;

/// <summary>
/// Trains the per-stat ensembles (LightGBM, FastTree, FastForest, SDCA linear) on a training window,
/// fits MAE stacking weights on half of the calibration window (walk-forward: the calibration season is
/// after the training window) and conformal intervals on the other half (alternating game days).
/// </summary>
public static class ModelTrainer
{
    // lib_lightgbm has process-global state (log callback, OpenMP settings): never run two LightGBM fits at once.
    private static readonly Lock LightGbmGate = new();

    internal sealed class MlRow
    {
        public float Label { get; set; }

        public float Weight { get; set; } = 1;

        public float[] Features { get; set; } = [];
    }

    /// <summary>The ML.NET schema of a training row with <paramref name="features"/> features.</summary>
    internal static SchemaDefinition RowSchema(int features)
    {
        var schema = SchemaDefinition.Create(typeof(MlRow));
        schema[nameof(MlRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        return schema;
    }

    /// <summary>Trains a bundle from a point-in-time feature matrix (built by <see cref="FeatureStore.BuildHistorical"/>).</summary>
    public static ModelBundle Train(FeatureMatrix matrix, TrainingPlan plan, TrainingOptions? options = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(plan);
        var o = options ?? new TrainingOptions();
        log ??= _ => { };
        var total = Stopwatch.StartNew();
        var recs = matrix.Records;
        if (recs.Count != matrix.Rows)
        {
            throw new ArgumentException("The matrix must carry its source records (use FeatureStore.BuildHistorical).", nameof(matrix));
        }

        var train = new List<int>();
        var calib = new List<int>();
        for (var i = 0; i < matrix.Rows; i++)
        {
            var d = recs[i].Date;
            if (d >= plan.TrainFrom && d < plan.TrainTo)
            {
                train.Add(i);
            }
            else if (d >= plan.CalibrationFrom && d < plan.CalibrationTo)
            {
                calib.Add(i);
            }
        }

        if (o.MaxTrainRows > 0 && train.Count > o.MaxTrainRows)
        {
            var rng = new Random(o.Seed);
            train = [.. train.OrderBy(_ => rng.Next()).Take(o.MaxTrainRows).Order()];
        }

        if (train.Count < 100 || calib.Count < 100)
        {
            throw new InvalidOperationException($"Not enough rows: {train.Count} training, {calib.Count} calibration.");
        }

        var histIdx = FeatureSchema.IndexOf("c_has_history");
        var stackRows = calib.Where(i => recs[i].Date.DayNumber % 2 == 0).ToArray();
        var confRows = calib.Where(i => recs[i].Date.DayNumber % 2 != 0).ToArray();
        log($"rows: train {train.Count}, stacking {stackRows.Length}, conformal {confRows.Length}; features {matrix.Columns}");

        var f = matrix.Columns;
        var trainSet = TrainingSet.Build(matrix, [.. train], o, plan.TrainTo, mean: null, std: null);
        var (mean, std) = (trainSet.Mean, trainSet.Std);

        // The refit set adds the calibration season, the most recent data there is, once stacking and intervals are fitted.
        var refitSet = o.RefitOnCalibration ? TrainingSet.Build(matrix, [.. train, .. calib], o, plan.CalibrationTo, mean, std) : null;

        var schemaDef = RowSchema(f);

        // The known-absence model (ADR 0021) sees the same rows featurized with each game's real absences.
        var knownMatrix = o.KnownAbsenceModel ? FeatureStore.BuildHistoricalWithKnownAbsences(recs) : null;
        var l1Only = o with { Members = [MemberKind.LightGbmL1] };
        var knownSet = knownMatrix is null ? null : TrainingSet.Build(knownMatrix, [.. train], l1Only, plan.TrainTo, mean, std);
        var knownRefitSet = knownMatrix is null || !o.RefitOnCalibration ? null : TrainingSet.Build(knownMatrix, [.. train, .. calib], l1Only, plan.CalibrationTo, mean, std);

        // Stats are trained concurrently (one worker per thread, each trainer single-threaded): ML.NET's data
        // preparation is single-threaded, so this keeps both cores busy. Results do not depend on scheduling.
        var workers = Math.Max(1, o.Threads);
        var results = new StatModel?[o.Stats.Count];
        var metricsArr = new StatMetrics?[o.Stats.Count];
        var knownResults = new StatModel?[o.Stats.Count];
        var knownMetricsArr = new StatMetrics?[o.Stats.Count];
        Parallel.For(0, o.Stats.Count, new ParallelOptions { MaxDegreeOfParallelism = workers }, si =>
        {
            var stat = o.Stats[si];
            var ml = new MLContext(o.Seed + si);
            var sw = Stopwatch.StartNew();
            var members = FitMembers(ml, stat, trainSet, o, schemaDef, log, o.Members.Select(_ => true).ToArray());
            var model = new StatModel { Stat = stat, Members = [.. members.Select(x => x!)] };
            FitStacking(model, matrix, stackRows, log);
            model.Intervals = FitIntervals(model, matrix, confRows, IntervalTargets(stat, o));

            // Validation on the stacking half (out-of-sample for the conformal fit, so coverage is a real check).
            var validationRows = stackRows.Where(i => matrix.Values[(i * f) + histIdx] > 0).ToArray();
            var wholeNumber = o.WholeNumberPoints && StatKinds.IsCount(stat);
            if (wholeNumber)
            {
                log($"{stat}: validation MAE {Evaluator.EvaluateRows(matrix, validationRows, model).Mae:F4} unrounded; served rounded to whole numbers");
            }

            model.WholeNumber = wholeNumber;
            var m = Evaluator.EvaluateRows(matrix, validationRows, model);
            metricsArr[si] = m;

            // Known absences: the ensemble's members plus an L1 member trained on features written with each game's
            // real absences, stacked and calibrated on the same halves featurized that way.
            StatModel? aware = null;
            if (knownMatrix is not null)
            {
                aware = new StatModel { Stat = stat, Members = [.. model.Members, FitL1Member(knownSet!, stat, o)] };
                FitStacking(aware, knownMatrix, stackRows, log);
                aware.Intervals = FitIntervals(aware, knownMatrix, confRows, IntervalTargets(stat, o));
                aware.WholeNumber = wholeNumber;
                knownMetricsArr[si] = Evaluator.EvaluateRows(knownMatrix, validationRows, aware);
                log($"{stat} (known absences): weights [{string.Join(", ", aware.Weights.Select(x => x.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}] " +
                    $"calib MAE {knownMetricsArr[si]!.Mae:F3} ({knownMetricsArr[si]!.ImprovementVsLast10Pct:F1}% vs last10), cov80 {knownMetricsArr[si]!.Coverage80:P1} cov95 {knownMetricsArr[si]!.Coverage95:P1}");
            }

            if (refitSet is not null)
            {
                // Members the stacker ignores are not refitted: they do not change a prediction.
                var refitted = FitMembers(ml, stat, refitSet, o, schemaDef, log, [.. model.Weights.Select(w => w != 0)]);
                model = new StatModel { Stat = stat, Members = [.. refitted.Select((x, j) => x ?? model.Members[j])], Weights = model.Weights, Intercept = model.Intercept, Intervals = model.Intervals, WholeNumber = model.WholeNumber };
                aware = aware is null ? null : new StatModel
                {
                    Stat = stat, Members = [.. model.Members, FitL1Member(knownRefitSet!, stat, o)], Weights = aware.Weights, Intercept = aware.Intercept, Intervals = aware.Intervals, WholeNumber = aware.WholeNumber,
                };
            }

            results[si] = model;
            knownResults[si] = aware;
            log($"{stat}: {sw.Elapsed.TotalSeconds:F1}s  weights [{string.Join(", ", model.Weights.Select(x => x.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}] b={model.Intercept:F3}  " +
                $"calib MAE {m.Mae:F3} vs last10 {m.BaselineLast10Mae:F3} ({m.ImprovementVsLast10Pct:F1}%), cov80 {m.Coverage80:P1} cov95 {m.Coverage95:P1}" +
                (refitSet is null ? "" : $"; members refitted on {refitSet.Count} rows"));
        });

        var models = results.Select(r => r!).ToList();
        var metrics = new Dictionary<string, StatMetrics>();
        var knownMetrics = new Dictionary<string, StatMetrics>();
        for (var si = 0; si < o.Stats.Count; si++)
        {
            metrics[o.Stats[si].ToString()] = metricsArr[si]!;
            if (knownMetricsArr[si] is { } km)
            {
                knownMetrics[o.Stats[si].ToString()] = km;
            }
        }

        var manifest = new BundleManifest
        {
            FeatureSchemaVersion = FeatureSchema.Version,
            FeatureCount = f,
            FeatureNames = [.. FeatureSchema.Names],
            CreatedUtc = DateTime.UtcNow,
            TrainFrom = plan.TrainFrom,
            TrainTo = plan.TrainTo,
            CalibrationFrom = plan.CalibrationFrom,
            CalibrationTo = plan.CalibrationTo,
            TrainingRows = refitSet?.Count ?? train.Count,
            RefittedThrough = refitSet is null ? null : plan.CalibrationTo,
            CalibrationRows = calib.Count,
            Options = o,
            DataHash = DataHash.Of(recs, plan.TrainFrom, plan.CalibrationTo),
            ValidationMetrics = metrics,
            KnownAbsenceValidationMetrics = knownMetrics,
            TrainingSeconds = total.Elapsed.TotalSeconds,
            TrainingFeatureMean = mean,
        };
        return new ModelBundle(manifest, [.. models], knownMatrix is null ? null : [.. knownResults.Select(r => r!)]);
    }

    private static MemberModel FitL1Member(TrainingSet set, StatKind stat, TrainingOptions o) => FitL1Member(set, set.Labels(stat), o);

    private static MemberModel FitL1Member(TrainingSet set, float[] y, TrainingOptions o)
    {
        lock (LightGbmGate)
        {
            return FitNativeL1(set.Flat!, set.Count, set.Matrix.Columns, y, set.Weights, o);
        }
    }

    /// <summary>Fits the selected members of one stat on a training set (unselected slots stay null).</summary>
    private static MemberModel?[] FitMembers(MLContext ml, StatKind stat, TrainingSet set, TrainingOptions o, SchemaDefinition schemaDef, Action<string> log, bool[] selected)
    {
        var y = set.Labels(stat);
        var inner = o with { Threads = 1 };
        var members = new MemberModel?[o.Members.Count];
        for (var j = 0; j < o.Members.Count; j++)
        {
            if (!selected[j])
            {
                continue;
            }

            var kind = o.Members[j];
            var msw = Stopwatch.StartNew();
            if (kind == MemberKind.LightGbmL1)
            {
                members[j] = FitL1Member(set, y, o);
                log($"  {stat} {kind}: {msw.Elapsed.TotalSeconds:F1}s ({set.Count} rows)");
                continue;
            }

            var transform = kind == MemberKind.Linear ? o.LinearTransform : o.TreeTransform;
            var rows = kind == MemberKind.Linear ? set.StdRows! : set.RawRows;
            var data = new MlRow[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                data[i] = new MlRow { Features = rows[i], Label = TargetTransforms.Forward(transform, y[i]), Weight = set.Weights[i] };
            }

            var dv = ml.Data.LoadFromEnumerable(data, schemaDef);
            if (kind == MemberKind.LightGbm)
            {
                lock (LightGbmGate)
                {
                    members[j] = FitMember(ml, kind, transform, dv, o, set.Mean, set.Std);
                }
            }
            else
            {
                members[j] = FitMember(ml, kind, transform, dv, inner, set.Mean, set.Std);
            }

            log($"  {stat} {kind}: {msw.Elapsed.TotalSeconds:F1}s ({set.Count} rows)");
        }

        return members;
    }

    /// <summary>The rows of one fit in the layouts the members need (jagged, flat row-major, standardised).</summary>
    private sealed class TrainingSet
    {
        public required FeatureMatrix Matrix { get; init; }

        public required int[] Rows { get; init; }

        public required float[][] RawRows { get; init; }

        public float[]? Flat { get; init; }

        public float[][]? StdRows { get; init; }

        public required float[] Weights { get; init; }

        public required float[] Mean { get; init; }

        public required float[] Std { get; init; }

        public int Count => Rows.Length;

        /// <summary>The actual values of <paramref name="stat"/> on the set's rows.</summary>
        public float[] Labels(StatKind stat) => [.. Rows.Select(i => (float)StatKinds.Get(Matrix.Records[i], stat))];

        /// <summary>Standardisation comes from <paramref name="mean"/>/<paramref name="std"/> when given (a refit keeps the first fit's).</summary>
        public static TrainingSet Build(FeatureMatrix matrix, int[] rows, TrainingOptions o, DateOnly windowEnd, float[]? mean, float[]? std)
        {
            var f = matrix.Columns;
            var recs = matrix.Records;
            var lastSeason = FeatureStore.SeasonKeyOf(windowEnd.AddDays(-1));
            var weights = rows.Select(i => (float)Math.Pow(o.RecencyDecay, lastSeason - FeatureStore.SeasonKeyOf(recs[i].Date))).ToArray();
            var raw = rows.Select(i => matrix.Values.AsSpan(i * f, f).ToArray()).ToArray();
            if (mean is null || std is null)
            {
                (mean, std) = Standardisation(raw, f);
            }

            float[]? flat = null;
            if (o.Members.Contains(MemberKind.LightGbmL1))
            {
                flat = new float[raw.Length * f];
                for (var i = 0; i < raw.Length; i++)
                {
                    raw[i].CopyTo(flat, i * f);
                }
            }

            var m = mean;
            var sd = std;
            return new TrainingSet
            {
                Matrix = matrix,
                Rows = rows,
                RawRows = raw,
                Flat = flat,
                StdRows = o.Members.Contains(MemberKind.Linear) ? [.. raw.Select(r => Standardise(r, m, sd))] : null,
                Weights = weights,
                Mean = mean,
                Std = std,
            };
        }
    }

    private static MemberModel FitMember(MLContext ml, MemberKind kind, TargetTransform transform, IDataView dv, TrainingOptions o, float[] mean, float[] std)
    {
        switch (kind)
        {
            case MemberKind.LightGbm:
                {
                    var t = ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
                    {
                        ExampleWeightColumnName = o.RecencyDecay < 1 ? nameof(MlRow.Weight) : null,
                        NumberOfIterations = o.LightGbmIterations,
                        LearningRate = o.LightGbmLearningRate,
                        NumberOfLeaves = o.LightGbmLeaves,
                        MinimumExampleCountPerLeaf = o.MinExamplesPerLeaf,
                        Seed = o.Seed,
                        NumberOfThreads = o.Threads,
                        Deterministic = true,
                        Silent = true,
                        Booster = new GradientBooster.Options { FeatureFraction = o.LightGbmFeatureFraction, L2Regularization = 1.0 },
                    }).Fit(dv);
                    return Tree(ml, kind, transform, t, CompactForest.From(t.Model.TrainedTreeEnsemble), dv);
                }

            case MemberKind.FastTree:
                {
                    var t = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
                    {
                        ExampleWeightColumnName = o.RecencyDecay < 1 ? nameof(MlRow.Weight) : null,
                        NumberOfTrees = o.FastTreeTrees,
                        LearningRate = o.FastTreeLearningRate,
                        NumberOfLeaves = o.FastTreeLeaves,
                        MinimumExampleCountPerLeaf = o.MinExamplesPerLeaf,
                        Seed = o.Seed,
                        NumberOfThreads = o.Threads,
                        FeatureFraction = 0.8,
                    }).Fit(dv);
                    return Tree(ml, kind, transform, t, CompactForest.From(t.Model.TrainedTreeEnsemble), dv);
                }

            case MemberKind.FastForest:
                {
                    var t = ml.Regression.Trainers.FastForest(new FastForestRegressionTrainer.Options
                    {
                        ExampleWeightColumnName = o.RecencyDecay < 1 ? nameof(MlRow.Weight) : null,
                        NumberOfTrees = o.FastForestTrees,
                        NumberOfLeaves = o.FastForestLeaves,
                        MinimumExampleCountPerLeaf = o.MinExamplesPerLeaf / 2,
                        Seed = o.Seed,
                        NumberOfThreads = o.Threads,
                        FeatureFraction = 0.5,
                        BaggingExampleFraction = 0.5,
                    }).Fit(dv);
                    return Tree(ml, kind, transform, t, CompactForest.From(t.Model.TrainedTreeEnsemble), dv);
                }

            case MemberKind.Linear:
                {
                    var t = ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
                    {
                        ExampleWeightColumnName = o.RecencyDecay < 1 ? nameof(MlRow.Weight) : null,
                        L2Regularization = o.LinearL2,
                        L1Regularization = 0,
                        MaximumNumberOfIterations = o.LinearIterations,
                        NumberOfThreads = 1,
                        Shuffle = true,
                    }).Fit(dv);
                    return Linear(t, transform, mean, std, dv.Schema);
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>The native LightGBM parameters of the L1 member.</summary>
    internal static string L1Parameters(TrainingOptions o) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"objective=regression_l1 num_leaves={o.L1Leaves} learning_rate={o.L1LearningRate} min_data_in_leaf={(o.L1MinDataInLeaf > 0 ? o.L1MinDataInLeaf : o.MinExamplesPerLeaf)} " +
        $"feature_fraction={(o.L1FeatureFraction > 0 ? o.L1FeatureFraction : o.LightGbmFeatureFraction)} bagging_fraction=0.5 bagging_freq=1 lambda_l2=1 num_threads={o.Threads} seed={o.Seed} deterministic=true force_row_wise=true");

    /// <summary>Fits the L1 member alone (also used by the hyperparameter search); serialised with every other LightGBM fit.</summary>
    internal static CompactForest FitL1Forest(float[] flat, int rows, int f, float[] y, TrainingOptions o)
    {
        lock (LightGbmGate)
        {
            var (text, _) = NativeLightGbm.Train(flat, rows, f, y, null, L1Parameters(o), o.L1Iterations, 0);
            return NativeLightGbm.Parse(text);
        }
    }

    private static MemberModel FitNativeL1(float[] flat, int rows, int f, float[] y, float[] weights, TrainingOptions o)
    {
        var (text, verify) = NativeLightGbm.Train(flat, rows, f, y, o.RecencyDecay < 1 ? weights : null, L1Parameters(o), o.L1Iterations, 300);
        var forest = NativeLightGbm.Parse(text);
        for (var i = 0; i < verify.Length; i++)
        {
            var mine = forest.Predict(flat.AsSpan(i * f, f));
            if (Math.Abs(mine - verify[i]) > 1e-4 * Math.Max(1, Math.Abs(verify[i])))
            {
                throw new InvalidOperationException($"Compact evaluator disagrees with native LightGBM: {mine} vs {verify[i]} (row {i}).");
            }
        }

        return new MemberModel { Kind = MemberKind.LightGbmL1, Transform = TargetTransform.Identity, Forest = forest, NativeModelText = text };
    }

    internal static MemberModel Linear(ITransformer t, TargetTransform transform, float[] mean, float[] std, DataViewSchema schema)
    {
        var p = ModelParametersOf(t) as LinearRegressionModelParameters
            ?? throw new InvalidDataException("Linear member is not a LinearRegressionModelParameters model.");
        var wv = p.Weights;
        var w = new double[mean.Length];
        var bias = (double)p.Bias;
        for (var j = 0; j < w.Length && j < wv.Count; j++)
        {
            w[j] = wv[j] / std[j];
            bias -= wv[j] * mean[j] / std[j];
        }

        return new MemberModel
        {
            Kind = MemberKind.Linear,
            Transform = transform,
            LinearWeights = w,
            LinearBias = bias,
            FeatureMean = mean,
            FeatureStd = std,
            MlModel = t,
            MlInputSchema = schema,
        };
    }

    internal static object? ModelParametersOf(ITransformer t) => t switch
    {
        ISingleFeaturePredictionTransformer<object> s => s.Model,
        TransformerChain<ITransformer> c => c.LastTransformer is { } last ? ModelParametersOf(last) : null,
        _ => null,
    };

    private static MemberModel Tree(MLContext ml, MemberKind kind, TargetTransform transform, ITransformer t, CompactForest forest, IDataView dv)
    {
        forest.Scale = VerifyAndScale(ml, t, forest, dv);
        return new MemberModel { Kind = kind, Transform = transform, Forest = forest, MlModel = t, MlInputSchema = dv.Schema };
    }

    /// <summary>Checks the compact evaluator against ML.NET's own scoring and returns the leaf-sum scale.</summary>
    internal static double VerifyAndScale(MLContext ml, ITransformer t, CompactForest forest, IDataView dv)
    {
        var sample = ml.Data.TakeRows(dv, 300);
        var scores = t.Transform(sample).GetColumn<float>("Score").ToArray();
        var feats = sample.GetColumn<float[]>("Features").ToArray();
        double sxy = 0, sxx = 0;
        var raw = new double[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            raw[i] = forest.RawSum(feats[i]);
            sxy += raw[i] * (scores[i] - forest.Bias);
            sxx += raw[i] * raw[i];
        }

        var scale = sxx > 0 ? sxy / sxx : 1.0;
        if (Math.Abs(scale - 1) < 1e-3)
        {
            scale = 1;
        }
        else if (Math.Abs((scale * forest.TreeCount) - 1) < 1e-3)
        {
            scale = 1.0 / forest.TreeCount;
        }

        for (var i = 0; i < scores.Length; i++)
        {
            var mine = forest.Bias + (scale * raw[i]);
            if (Math.Abs(mine - scores[i]) > 1e-3 * Math.Max(1, Math.Abs(scores[i])))
            {
                throw new InvalidOperationException($"Compact tree evaluator disagrees with ML.NET: {mine} vs {scores[i]} (row {i}).");
            }
        }

        return scale;
    }

    private static void FitStacking(StatModel model, FeatureMatrix matrix, int[] rows, Action<string> log)
    {
        var preds = new double[model.Members.Length][];
        var y = new double[rows.Length];
        for (var j = 0; j < preds.Length; j++)
        {
            preds[j] = new double[rows.Length];
        }

        for (var r = 0; r < rows.Length; r++)
        {
            var x = matrix.Row(rows[r]);
            y[r] = StatKinds.Get(matrix.Records[rows[r]], model.Stat);
            for (var j = 0; j < preds.Length; j++)
            {
                preds[j][r] = model.Members[j].Predict(x);
            }
        }

        var parts = new List<string>();
        for (var j = 0; j < preds.Length; j++)
        {
            var single = new double[preds.Length];
            single[j] = 1;
            parts.Add($"{model.Members[j].Kind}={L1Stacker.Mae(preds, y, single, 0):F3}");
        }

        (model.Weights, model.Intercept) = L1Stacker.Fit(preds, y);
        log($"  {model.Stat} member MAE on stacking half: {string.Join(' ', parts)}; stacked {L1Stacker.Mae(preds, y, model.Weights, model.Intercept):F3}");
    }

    /// <summary>Coverage each interval is calibrated for: nominal, plus a margin for the low counts.</summary>
    internal static (double Cover80, double Cover95) IntervalTargets(StatKind stat, TrainingOptions o) =>
        StatKinds.IsLowCount(stat) ? (0.80 + o.LowCountMargin80, 0.95 + o.LowCountMargin95) : (0.80, 0.95);

    private static IntervalCalibration FitIntervals(StatModel model, FeatureMatrix matrix, int[] rows, (double Cover80, double Cover95) target)
    {
        var scaleIdx = FeatureSchema.IndexOf("p_std20_" + model.Stat.ToString().ToLowerInvariant());
        var probe = new IntervalCalibration(scaleIdx, 0, 0, 0, 0, rows.Length);
        var z = new double[rows.Length];
        for (var r = 0; r < rows.Length; r++)
        {
            var x = matrix.Row(rows[r]);
            var p = model.PredictPoint(x);
            var y = StatKinds.Get(matrix.Records[rows[r]], model.Stat);
            z[r] = (y - p) / probe.Scale(x, p);
        }

        Array.Sort(z);
        return probe with
        {
            Lo80 = Quantile(z, (1 - target.Cover80) / 2, lower: true),
            Hi80 = Quantile(z, 1 - ((1 - target.Cover80) / 2), lower: false),
            Lo95 = Quantile(z, (1 - target.Cover95) / 2, lower: true),
            Hi95 = Quantile(z, 1 - ((1 - target.Cover95) / 2), lower: false),
        };
    }

    /// <summary>Conformal (finite-sample) quantile of a sorted array.</summary>
    private static double Quantile(double[] sorted, double q, bool lower)
    {
        var n = sorted.Length;
        var k = lower ? (int)Math.Floor(q * (n + 1)) - 1 : (int)Math.Ceiling(q * (n + 1)) - 1;
        return sorted[Math.Clamp(k, 0, n - 1)];
    }

    internal static (float[] Mean, float[] Std) Standardisation(float[][] rows, int f)
    {
        var mean = new double[f];
        var sq = new double[f];
        foreach (var r in rows)
        {
            for (var j = 0; j < f; j++)
            {
                mean[j] += r[j];
                sq[j] += (double)r[j] * r[j];
            }
        }

        var m = new float[f];
        var s = new float[f];
        for (var j = 0; j < f; j++)
        {
            var mu = mean[j] / rows.Length;
            var v = (sq[j] / rows.Length) - (mu * mu);
            m[j] = (float)mu;
            s[j] = (float)Math.Max(Math.Sqrt(Math.Max(v, 0)), 1e-6);
        }

        return (m, s);
    }

    private static float[] Standardise(float[] r, float[] mean, float[] std)
    {
        var o = new float[r.Length];
        for (var j = 0; j < r.Length; j++)
        {
            o[j] = (r[j] - mean[j]) / std[j];
        }

        return o;
    }
}
