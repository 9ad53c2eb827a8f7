using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Evaluation;
using NbaPredict.Ml.Explanation;
using NbaPredict.Ml.Features;

namespace NbaPredict.Ml.Modeling;

/// <summary>Thrown when a bundle was trained with a different feature schema than the running code.</summary>
public sealed class FeatureSchemaMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FeatureSchemaMismatchException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public FeatureSchemaMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public FeatureSchemaMismatchException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>Metadata of a trained bundle, stored as manifest.json next to the ML.NET zips.</summary>
public sealed record BundleManifest
{
    /// <summary>Bundle layout version.</summary>
    public int FormatVersion { get; init; } = 1;

    /// <summary><see cref="FeatureSchema.Version"/> at training time.</summary>
    public string FeatureSchemaVersion { get; init; } = "";

    /// <summary>Number of features.</summary>
    public int FeatureCount { get; init; }

    /// <summary>Feature names at training time.</summary>
    public IReadOnlyList<string> FeatureNames { get; init; } = [];

    /// <summary>When trained.</summary>
    public DateTime CreatedUtc { get; init; }

    /// <summary>Training window start (inclusive).</summary>
    public DateOnly TrainFrom { get; init; }

    /// <summary>Training window end (exclusive).</summary>
    public DateOnly TrainTo { get; init; }

    /// <summary>Calibration window start (inclusive).</summary>
    public DateOnly CalibrationFrom { get; init; }

    /// <summary>Calibration window end (exclusive).</summary>
    public DateOnly CalibrationTo { get; init; }

    /// <summary>Rows used for training.</summary>
    public int TrainingRows { get; init; }

    /// <summary>
    /// When set, the members were refitted on every row before this date (training plus calibration window) after the
    /// stacking weights and intervals were fitted; <see cref="ValidationMetrics"/> describe the first fit.
    /// </summary>
    public DateOnly? RefittedThrough { get; init; }

    /// <summary>Rows in the calibration window.</summary>
    public int CalibrationRows { get; init; }

    /// <summary>Hyperparameters.</summary>
    public TrainingOptions Options { get; init; } = new();

    /// <summary>SHA-256 of the box scores in the training + calibration windows.</summary>
    public string DataHash { get; init; } = "";

    /// <summary>Metrics on the stacking half of the calibration window, players with history (keyed by stat name).</summary>
    public IReadOnlyDictionary<string, StatMetrics> ValidationMetrics { get; init; } = new Dictionary<string, StatMetrics>();

    /// <summary>
    /// The known-absence model's metrics on the same rows as <see cref="ValidationMetrics"/>, featurized with each
    /// game's real absences (empty for bundles trained without it).
    /// </summary>
    public IReadOnlyDictionary<string, StatMetrics> KnownAbsenceValidationMetrics { get; init; } = new Dictionary<string, StatMetrics>();

    /// <summary>Wall time of training.</summary>
    public double TrainingSeconds { get; init; }

    /// <summary>Per-stat ensemble layout (filled on save).</summary>
    public IReadOnlyList<StatEntry> Stats { get; init; } = [];

    /// <summary>Per-stat layout of the known-absence model (filled on save; empty when the bundle has none).</summary>
    public IReadOnlyList<StatEntry> KnownAbsenceStats { get; init; } = [];

    /// <summary>Feature standardisation of the linear members.</summary>
    public float[] LinearFeatureMean { get; init; } = [];

    /// <summary>Mean of every feature over the training rows: the "average player-game" that explanations start from.</summary>
    public float[] TrainingFeatureMean { get; init; } = [];

    /// <summary>Feature standardisation of the linear members.</summary>
    public float[] LinearFeatureStd { get; init; } = [];

    /// <summary>Per-stat layout.</summary>
    /// <remarks><c>WholeNumber</c>: the point prediction is rounded to a whole number (false in bundles made before ADR 0023).</remarks>
    public sealed record StatEntry(StatKind Stat, double Intercept, IReadOnlyList<MemberEntry> Members, IntervalEntry? Intervals, bool WholeNumber = false);

    /// <summary>One member.</summary>
    public sealed record MemberEntry(MemberKind Kind, TargetTransform Transform, string File, double Weight, double Scale, string? OnnxFile = null);

    /// <summary>Conformal quantiles of residual/scale.</summary>
    public sealed record IntervalEntry(string ScaleFeature, double Lo80, double Hi80, double Lo95, double Hi95, int CalibrationRows);
}

/// <summary>
/// A trained set of per-stat ensembles with a fast, allocation-free prediction path.
/// Save/Load to a directory (ML.NET zips + manifest.json). Thread-safe for prediction.
/// </summary>
public sealed class ModelBundle
{
    private const string ManifestFile = "manifest.json";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly StatModel[] _models;
    private readonly StatModel[]? _knownAbsenceModels;

    internal ModelBundle(BundleManifest manifest, StatModel[] models, StatModel[]? knownAbsenceModels = null)
    {
        if (knownAbsenceModels is not null && !knownAbsenceModels.Select(m => m.Stat).SequenceEqual(models.Select(m => m.Stat)))
        {
            throw new ArgumentException("The known-absence model must predict the same stats in the same order.", nameof(knownAbsenceModels));
        }

        Manifest = manifest;
        _models = models;
        _knownAbsenceModels = knownAbsenceModels;
        Stats = [.. models.Select(m => m.Stat)];
    }

    /// <summary>
    /// Whether the bundle has a model trained for queries that name their unavailable players (ADR 0021). Bundles
    /// trained before it existed have none, and <see cref="PredictWithKnownAbsences"/> falls back to the ensemble.
    /// </summary>
    public bool HasKnownAbsenceModel => _knownAbsenceModels is not null;

    /// <summary>Metadata.</summary>
    public BundleManifest Manifest { get; private set; }

    /// <summary>Stats predicted, in the order <see cref="Predict"/> writes them.</summary>
    public IReadOnlyList<StatKind> Stats { get; }

    internal IReadOnlyList<StatModel> Models => _models;

    /// <summary>
    /// Which features the tree members of a stat split on most, weighted by each member's stacking weight and
    /// normalised to sum to 1 (split-count importance; the linear member is not counted).
    /// </summary>
    public IReadOnlyList<(string Feature, double Importance)> FeatureImportances(StatKind stat, int top)
    {
        var model = _models.FirstOrDefault(m => m.Stat == stat);
        if (model is null)
        {
            return [];
        }

        var counts = new double[FeatureSchema.Count];
        for (var i = 0; i < model.Members.Length; i++)
        {
            var weight = i < model.Weights.Length ? Math.Abs(model.Weights[i]) : 0;
            model.Members[i].Forest?.AddSplitCounts(counts, weight);
        }

        var total = counts.Sum();
        return total <= 0
            ? []
            : counts.Select((c, i) => (FeatureSchema.Names[i], c / total)).OrderByDescending(x => x.Item2).Take(top).ToList();
    }

    /// <summary>
    /// The feature vector explanations compare against: the training means (older bundles without them fall back to
    /// the linear member's standardisation means, which are the same numbers), or null when neither was saved.
    /// </summary>
    public float[]? FeatureBaseline =>
        Manifest.TrainingFeatureMean.Length == FeatureSchema.Count ? Manifest.TrainingFeatureMean
        : Manifest.LinearFeatureMean.Length == FeatureSchema.Count ? Manifest.LinearFeatureMean
        : null;

    /// <summary>
    /// Signed contributions of each <see cref="DriverGroup"/> to one stat's prediction for a featurized player-game,
    /// in the stat's units (exact group Shapley values of the whole ensemble against <see cref="FeatureBaseline"/>),
    /// with the <paramref name="topFeatures"/> most influential features of each group. Null when the bundle does
    /// not predict <paramref name="stat"/> or has no baseline. About 460 predictions, evaluated as one batch. With
    /// <paramref name="absencesNamed"/>, the model that predicts such rows (<see cref="PredictWithKnownAbsences"/>) is
    /// the one explained.
    /// </summary>
    public PredictionExplanation? Explain(ReadOnlySpan<float> features, StatKind stat, int topFeatures = 3, bool absencesNamed = false)
    {
        if (features.Length < FeatureSchema.Count)
        {
            throw new ArgumentException($"Expected {FeatureSchema.Count} features.", nameof(features));
        }

        var model = (absencesNamed ? _knownAbsenceModels ?? _models : _models).FirstOrDefault(m => m.Stat == stat);
        var baseline = FeatureBaseline;
        return model is null || baseline is null ? null : PredictionExplainer.Explain(model, features, baseline, topFeatures);
    }

    /// <summary>
    /// Predicts every stat of one featurized player-game into <paramref name="destination"/> (length ≥ <see cref="Stats"/>.Count).
    /// No allocation.
    /// </summary>
    public void Predict(ReadOnlySpan<float> features, Span<StatPrediction> destination) => PredictWith(_models, features, destination);

    /// <summary>
    /// As <see cref="Predict"/>, for features written with the game's unavailable players named
    /// (<see cref="FeatureStore.Featurize(in PlayerGameQuery, Span{float}, ReadOnlySpan{int})"/>): the known-absence
    /// model learned what such features mean, so it is used when the bundle has one. No allocation.
    /// </summary>
    public void PredictWithKnownAbsences(ReadOnlySpan<float> features, Span<StatPrediction> destination) =>
        PredictWith(_knownAbsenceModels ?? _models, features, destination);

    private static void PredictWith(StatModel[] models, ReadOnlySpan<float> features, Span<StatPrediction> destination)
    {
        if (features.Length < FeatureSchema.Count)
        {
            throw new ArgumentException($"Expected {FeatureSchema.Count} features.", nameof(features));
        }

        for (var i = 0; i < models.Length; i++)
        {
            destination[i] = models[i].Predict(features);
        }
    }

    /// <summary>
    /// Predicts every row of a feature matrix; result[r * Stats.Count + s] is stat s of row r. Tree-major evaluation
    /// (each tree stays in cache for all rows), so this is the fast path for slates and evaluation.
    /// </summary>
    public StatPrediction[] PredictBatch(FeatureMatrix matrix) => PredictBatchWith(_models, CheckColumns(matrix));

    /// <summary>
    /// As <see cref="PredictBatch(FeatureMatrix)"/>, where the rows flagged in <paramref name="absencesNamed"/> were
    /// featurized with their game's unavailable players named: those rows are predicted as
    /// <see cref="PredictWithKnownAbsences"/> does, the others as <see cref="Predict"/> does. Each group is one
    /// tree-major batch, so a slate where every team has reported costs what a history slate costs.
    /// </summary>
    public StatPrediction[] PredictBatch(FeatureMatrix matrix, ReadOnlySpan<bool> absencesNamed)
    {
        CheckColumns(matrix);
        if (absencesNamed.Length != matrix.Rows)
        {
            throw new ArgumentException($"Expected one flag per row: {matrix.Rows} rows, {absencesNamed.Length} flags.", nameof(absencesNamed));
        }

        var named = absencesNamed.Count(true);
        var namedModels = _knownAbsenceModels ?? _models;
        if (named == 0 || ReferenceEquals(namedModels, _models))
        {
            return PredictBatchWith(_models, matrix);
        }

        if (named == matrix.Rows)
        {
            return PredictBatchWith(namedModels, matrix);
        }

        var (namedRows, namedMatrix) = Select(matrix, absencesNamed, true, named);
        var (historyRows, historyMatrix) = Select(matrix, absencesNamed, false, matrix.Rows - named);
        var k = _models.Length;
        var result = new StatPrediction[matrix.Rows * k];
        Scatter(PredictBatchWith(namedModels, namedMatrix), namedRows, result, k);
        Scatter(PredictBatchWith(_models, historyMatrix), historyRows, result, k);
        return result;
    }

    private static FeatureMatrix CheckColumns(FeatureMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return matrix.Columns == FeatureSchema.Count ? matrix : throw new ArgumentException($"Expected {FeatureSchema.Count} features.", nameof(matrix));
    }

    private static StatPrediction[] PredictBatchWith(StatModel[] models, FeatureMatrix matrix)
    {
        var rows = matrix.Rows;
        var result = new StatPrediction[rows * models.Length];
        var acc = new double[rows];
        var tmp = new double[rows];
        for (var s = 0; s < models.Length; s++)
        {
            models[s].PredictBatch(matrix.Values, rows, matrix.Columns, result, models.Length, s, acc, tmp);
        }

        return result;
    }

    /// <summary>The rows whose flag is <paramref name="flag"/>, copied into their own matrix, with their original indices.</summary>
    private static (int[] Rows, FeatureMatrix Matrix) Select(FeatureMatrix matrix, ReadOnlySpan<bool> flags, bool flag, int count)
    {
        var c = matrix.Columns;
        var rows = new int[count];
        var values = new float[count * c];
        for (int r = 0, n = 0; r < matrix.Rows; r++)
        {
            if (flags[r] == flag)
            {
                matrix.Row(r).CopyTo(values.AsSpan(n * c, c));
                rows[n++] = r;
            }
        }

        return (rows, new FeatureMatrix(values, count, c));
    }

    private static void Scatter(StatPrediction[] part, int[] rows, StatPrediction[] result, int k)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            Array.Copy(part, i * k, result, rows[i] * k, k);
        }
    }

    /// <summary>Featurizes (from the store's current state) and predicts a slate of upcoming games.</summary>
    public IReadOnlyList<PlayerPrediction> PredictSlate(FeatureStore store, IReadOnlyList<PlayerGameQuery> slate)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(slate);
        var matrix = store.FeaturizeSlate(slate);
        var all = PredictBatch(matrix);
        var k = _models.Length;
        var result = new PlayerPrediction[slate.Count];
        for (var i = 0; i < slate.Count; i++)
        {
            result[i] = new PlayerPrediction(slate[i], all.AsSpan(i * k, k).ToArray());
        }

        return result;
    }

    /// <summary>
    /// Saves the bundle (ML.NET zips, native LightGBM text models, manifest.json) into <paramref name="directory"/>
    /// (created if needed). With <paramref name="exportOnnx"/>, every ML.NET member is also written as ONNX
    /// (<c>MemberEntry.OnnxFile</c>), so other runtimes can score it; the native L1 member has no ONNX converter, and
    /// its LightGBM text model is the portable form.
    /// </summary>
    public void Save(string directory, bool exportOnnx = true)
    {
        Directory.CreateDirectory(directory);
        var ml = new MLContext(Manifest.Options.Seed);
        var stats = new List<BundleManifest.StatEntry>();
        IDataView? onnxInput = null;
        float[] mean = [], std = [];
        // The known-absence model shares the ensemble's members: each member is written once and named by both.
        var saved = new Dictionary<MemberModel, BundleManifest.MemberEntry>(ReferenceEqualityComparer.Instance);
        foreach (var m in _models)
        {
            stats.Add(SaveStat(m, "", directory, ml, exportOnnx, saved, ref onnxInput, ref mean, ref std));
        }

        var knownAbsence = new List<BundleManifest.StatEntry>();
        foreach (var m in _knownAbsenceModels ?? [])
        {
            knownAbsence.Add(SaveStat(m, "known-absence.", directory, ml, exportOnnx, saved, ref onnxInput, ref mean, ref std));
        }

        Manifest = Manifest with { Stats = stats, KnownAbsenceStats = knownAbsence, LinearFeatureMean = mean, LinearFeatureStd = std };
        File.WriteAllText(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(Manifest, Json));
    }

    private static BundleManifest.StatEntry SaveStat(
        StatModel m, string filePrefix, string directory, MLContext ml, bool exportOnnx, Dictionary<MemberModel, BundleManifest.MemberEntry> saved,
        ref IDataView? onnxInput, ref float[] mean, ref float[] std)
    {
        var members = new List<BundleManifest.MemberEntry>();
        for (var j = 0; j < m.Members.Length; j++)
        {
            var mem = m.Members[j];
            if (saved.TryGetValue(mem, out var written))
            {
                members.Add(written with { Weight = m.Weights[j] });
                continue;
            }

            var file = $"{filePrefix}{m.Stat.ToString().ToLowerInvariant()}.{mem.Kind.ToString().ToLowerInvariant()}";
            string? onnx = null;
            if (mem.NativeModelText is not null)
            {
                file += ".txt";
                File.WriteAllText(Path.Combine(directory, file), mem.NativeModelText);
            }
            else if (mem.MlModel is not null && mem.MlInputSchema is not null)
            {
                onnx = exportOnnx ? ExportOnnx(ml, mem, onnxInput ??= OnnxInput(ml), directory, file + ".onnx") : null;
                file += ".zip";
                ml.Model.Save(mem.MlModel, mem.MlInputSchema, Path.Combine(directory, file));
            }
            else
            {
                throw new InvalidOperationException("Member has no model to save.");
            }

            var entry = new BundleManifest.MemberEntry(mem.Kind, mem.Transform, file, m.Weights[j], mem.Forest?.Scale ?? 1, onnx);
            saved[mem] = entry;
            members.Add(entry);
            if (mem.FeatureMean is not null)
            {
                mean = mem.FeatureMean;
                std = mem.FeatureStd!;
            }
        }

        var iv = m.Intervals;
        return new BundleManifest.StatEntry(
            m.Stat,
            m.Intercept,
            members,
            iv is null ? null : new BundleManifest.IntervalEntry(FeatureSchema.Names[iv.ScaleFeatureIndex], iv.Lo80, iv.Hi80, iv.Lo95, iv.Hi95, iv.CalibrationRows),
            m.WholeNumber);
    }

    /// <summary>
    /// Writes one ML.NET member as ONNX. Its input is the feature vector ("Features", float[FeatureCount]): raw for the
    /// tree members, standardised with the manifest's LinearFeatureMean/Std for the linear one. Its "Score" output is
    /// in the member's training space (before the member's target transform is inverted).
    /// Returns the file name, or null when ML.NET has no converter for the model.
    /// </summary>
    private static string? ExportOnnx(MLContext ml, MemberModel member, IDataView input, string directory, string file)
    {
        try
        {
            using var stream = File.Create(Path.Combine(directory, file));
            ml.Model.ConvertToOnnx(member.MlModel!, input, stream);
            return file;
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException)
        {
            File.Delete(Path.Combine(directory, file));
            return null;
        }
    }

    /// <summary>One row of the training schema: the converter reads the input columns' types from it.</summary>
    private static IDataView OnnxInput(MLContext ml) => ml.Data.LoadFromEnumerable(
        [new ModelTrainer.MlRow { Features = new float[FeatureSchema.Count] }],
        ModelTrainer.RowSchema(FeatureSchema.Count));

    /// <summary>Reads only the manifest of a saved bundle.</summary>
    public static BundleManifest ReadManifest(string directory) =>
        JsonSerializer.Deserialize<BundleManifest>(File.ReadAllText(Path.Combine(directory, ManifestFile)), Json)
        ?? throw new InvalidDataException("Empty bundle manifest.");

    /// <summary>
    /// Loads a bundle saved by <see cref="Save"/>. Throws <see cref="FeatureSchemaMismatchException"/> when the bundle's
    /// feature-schema version differs from the running code's <see cref="FeatureSchema.Version"/>.
    /// </summary>
    public static ModelBundle Load(string directory)
    {
        var manifest = ReadManifest(directory);
        if (manifest.FeatureSchemaVersion != FeatureSchema.Version || manifest.FeatureCount != FeatureSchema.Count)
        {
            throw new FeatureSchemaMismatchException(
                $"Model bundle in '{directory}' was trained with feature schema {manifest.FeatureSchemaVersion} ({manifest.FeatureCount} features) " +
                $"but this code produces schema {FeatureSchema.Version} ({FeatureSchema.Count} features). Retrain the model.");
        }

        var ml = new MLContext(manifest.Options.Seed);
        ml.ComponentCatalog.RegisterAssembly(typeof(LightGbmRegressionModelParameters).Assembly);
        ml.ComponentCatalog.RegisterAssembly(typeof(FastTreeRegressionModelParameters).Assembly);
        var loaded = new Dictionary<string, MemberModel>(StringComparer.Ordinal);
        var models = manifest.Stats.Select(entry => LoadStat(entry, directory, ml, manifest, loaded)).ToArray();
        var knownAbsence = manifest.KnownAbsenceStats.Count == 0
            ? null
            : manifest.KnownAbsenceStats.Select(entry => LoadStat(entry, directory, ml, manifest, loaded)).ToArray();
        return new ModelBundle(manifest, models, knownAbsence);
    }

    private static StatModel LoadStat(BundleManifest.StatEntry entry, string directory, MLContext ml, BundleManifest manifest, Dictionary<string, MemberModel> loaded)
    {
        var members = new List<MemberModel>();
        foreach (var e in entry.Members)
        {
            if (loaded.TryGetValue(e.File, out var shared))
            {
                members.Add(shared);
                continue;
            }

            if (e.Kind == MemberKind.LightGbmL1)
            {
                var text = File.ReadAllText(Path.Combine(directory, e.File));
                members.Add(loaded[e.File] = new MemberModel { Kind = e.Kind, Transform = e.Transform, Forest = NativeLightGbm.Parse(text), NativeModelText = text });
                continue;
            }

            var t = ml.Model.Load(Path.Combine(directory, e.File), out var schema);
            var p = ModelTrainer.ModelParametersOf(t);
            MemberModel mem = p switch
            {
                TreeEnsembleModelParametersBasedOnRegressionTree r => new MemberModel
                {
                    Kind = e.Kind, Transform = e.Transform, Forest = WithScale(CompactForest.From(r.TrainedTreeEnsemble), e.Scale), MlModel = t, MlInputSchema = schema,
                },
                TreeEnsembleModelParametersBasedOnQuantileRegressionTree q => new MemberModel
                {
                    Kind = e.Kind, Transform = e.Transform, Forest = WithScale(CompactForest.From(q.TrainedTreeEnsemble), e.Scale), MlModel = t, MlInputSchema = schema,
                },
                LinearRegressionModelParameters => ModelTrainer.Linear(t, e.Transform, manifest.LinearFeatureMean, manifest.LinearFeatureStd, schema),
                _ => throw new InvalidDataException($"Unsupported model in {e.File}: {p?.GetType().Name ?? "null"}."),
            };
            members.Add(loaded[e.File] = mem);
        }

        var iv = entry.Intervals;
        return new StatModel
        {
            Stat = entry.Stat,
            Members = [.. members],
            Weights = [.. entry.Members.Select(e => e.Weight)],
            Intercept = entry.Intercept,
            Intervals = iv is null ? null : new IntervalCalibration(FeatureSchema.IndexOf(iv.ScaleFeature), iv.Lo80, iv.Hi80, iv.Lo95, iv.Hi95, iv.CalibrationRows),
            WholeNumber = entry.WholeNumber,
        };
    }

    private static CompactForest WithScale(CompactForest f, double scale)
    {
        f.Scale = scale;
        return f;
    }
}

/// <summary>Predictions of all stats for one slate entry, in <see cref="ModelBundle.Stats"/> order.</summary>
public sealed record PlayerPrediction(PlayerGameQuery Query, IReadOnlyList<StatPrediction> Stats);

/// <summary>Hash of the box scores a model saw.</summary>
public static class DataHash
{
    /// <summary>SHA-256 (hex) over the records dated in [from, to), in the given order.</summary>
    public static string Of(IEnumerable<PlayerGameRecord> records, DateOnly from, DateOnly to)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buf = stackalloc byte[4 * 24];
        foreach (var r in records)
        {
            if (r.Date < from || r.Date >= to)
            {
                continue;
            }

            h.AppendData(Encoding.ASCII.GetBytes(r.GameId + r.TeamCode + r.OpponentCode));
            ReadOnlySpan<int> v =
            [
                r.Date.DayNumber, r.PlayerId, r.Home ? 1 : 0, r.Minutes, r.Pts, r.Reb, r.Oreb, r.Dreb, r.Ast, r.Stl, r.Blk, r.Tov, r.Pf,
                r.Fgm, r.Fga, r.Fg3m, r.Fg3a, r.Ftm, r.Fta, r.PlusMinus,
            ];
            for (var i = 0; i < v.Length; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(buf[(i * 4)..], v[i]);
            }

            h.AppendData(buf[..(v.Length * 4)]);
        }

        return Convert.ToHexStringLower(h.GetHashAndReset());
    }
}
