using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Evaluation;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Core.Features.Drift;

public sealed record FeatureDrift(string Feature, double Psi, double KsStatistic, double KsPValue);

public sealed record StatDrift(string Stat, double PredictionPsi, double RecentMae, double ValidationMae, double ErrorRatio);

public sealed record DriftReportView(
    long Id,
    DateTimeOffset CreatedAt,
    string ModelVersion,
    DateOnly ReferenceFrom,
    DateOnly ReferenceTo,
    DateOnly RecentFrom,
    DateOnly RecentTo,
    int ReferenceRows,
    int RecentRows,
    double MaxFeaturePsi,
    bool Drifted,
    IReadOnlyList<FeatureDrift> Features,
    IReadOnlyList<StatDrift> Stats)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static DriftReportView From(DriftReport r) => new(
        r.Id, r.CreatedAt, r.ModelVersion, r.ReferenceFrom, r.ReferenceTo, r.RecentFrom, r.RecentTo, r.ReferenceRows, r.RecentRows,
        r.MaxFeaturePsi, r.Drifted,
        JsonSerializer.Deserialize<FeatureDrift[]>(r.FeaturesJson, Json) ?? [],
        JsonSerializer.Deserialize<StatDrift[]>(r.StatsJson, Json) ?? []);
}

/// <summary>
/// Compares the most recent games with the production model's training window: PSI and a KS test per feature,
/// PSI of each predicted stat, and error drift (recent MAE against validation MAE). Every report is stored;
/// one past a threshold is published on <c>drift.detected</c> (retraining on it is the workers' job).
/// </summary>
public sealed class DriftService(
    IDbContextFactory<NbaDbContext> contexts,
    HistoryLoader history,
    ProductionModel production,
    Events.IEventBus events,
    TimeProvider time)
{
    public const string Topic = "drift.detected";
    public const double DefaultPsiThreshold = 0.25;
    public const double DefaultErrorRatioThreshold = 1.25;
    private const int MaxReferenceRows = 20_000;
    private const int MinRecentRows = 200;

    public async Task<DriftReportView> RunAsync(int recentDays = 30, double psiThreshold = DefaultPsiThreshold, double errorRatioThreshold = DefaultErrorRatioThreshold, CancellationToken cancellationToken = default)
    {
        if (recentDays is < 1 or > 365)
        {
            throw new DomainException("INVALID_ARGUMENT", $"recentDays must be between 1 and 365; got {recentDays}");
        }

        using var job = Telemetry.NbaTelemetry.TimeJob("drift");

        var model = await production.GetAsync(cancellationToken)
            ?? throw new DomainException("NO_MODEL_YET", "no production model yet: drift is measured against the production model's training window");
        var records = await history.LoadAsync(cancellationToken: cancellationToken);
        if (records.Count == 0)
        {
            throw new DomainException("NOT_ENOUGH_RECENT_DATA", "no games are stored yet");
        }

        var (_, matrix) = await Task.Run(() => FeatureStore.BuildHistorical(records), cancellationToken);
        var lastDay = matrix.Records[^1].Date;
        var recentFrom = lastDay.AddDays(-(recentDays - 1));
        var version = model.Version;
        var referenceRows = new List<int>();
        var recentRows = new List<int>();
        for (var i = 0; i < matrix.Rows; i++)
        {
            var date = matrix.Records[i].Date;
            if (date >= recentFrom && matrix.Records[i].Minutes > 0)
            {
                recentRows.Add(i);
            }
            else if (date >= version.TrainFrom && date < version.TrainTo && matrix.Records[i].Minutes > 0)
            {
                referenceRows.Add(i);
            }
        }

        if (recentRows.Count < MinRecentRows)
        {
            throw new DomainException("NOT_ENOUGH_RECENT_DATA", $"only {recentRows.Count} player-games in the last {recentDays} days; at least {MinRecentRows} are needed");
        }

        // A fixed stride keeps the reference sample deterministic.
        var stride = Math.Max(1, referenceRows.Count / MaxReferenceRows);
        referenceRows = referenceRows.Where((_, i) => i % stride == 0).ToList();
        if (referenceRows.Count < MinRecentRows)
        {
            throw new DomainException("NOT_ENOUGH_RECENT_DATA", "the production model's training window has too few stored games to compare with");
        }

        var features = CompareFeatures(matrix, referenceRows, recentRows);
        var stats = CompareStats(model, matrix, referenceRows, recentRows);
        var maxPsi = features.Count == 0 ? 0 : features.Max(f => f.Psi);
        var drifted = maxPsi > psiThreshold || stats.Any(s => s.ErrorRatio > errorRatioThreshold);
        var report = new DriftReport
        {
            CreatedAt = time.GetUtcNow(),
            ModelVersion = version.Version,
            ReferenceFrom = version.TrainFrom,
            ReferenceTo = version.TrainTo,
            RecentFrom = recentFrom,
            RecentTo = lastDay,
            ReferenceRows = referenceRows.Count,
            RecentRows = recentRows.Count,
            MaxFeaturePsi = Math.Round(maxPsi, 4),
            PsiThreshold = psiThreshold,
            ErrorRatioThreshold = errorRatioThreshold,
            Drifted = drifted,
            FeaturesJson = JsonSerializer.Serialize(features.OrderByDescending(f => f.Psi).Take(25).ToList(), DriftReportView.Json),
            StatsJson = JsonSerializer.Serialize(stats, DriftReportView.Json),
        };
        await using (var db = contexts.CreateDbContext())
        {
            db.DriftReports.Add(report);
            await db.SaveChangesAsync(cancellationToken);
        }

        var view = DriftReportView.From(report);
        Telemetry.NbaTelemetry.RecordDrift(view);
        job.Succeeded();
        if (drifted)
        {
            await events.PublishAsync(Topic, view, cancellationToken);
        }

        return view;
    }

    public async Task<IReadOnlyList<DriftReportView>> ListAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.DriftReports.AsNoTracking().OrderByDescending(r => r.Id).Take(Math.Clamp(count, 1, 100)).ToListAsync(cancellationToken);
        return rows.Select(DriftReportView.From).ToList();
    }

    private static List<FeatureDrift> CompareFeatures(FeatureMatrix matrix, List<int> reference, List<int> recent)
    {
        var result = new List<FeatureDrift>(matrix.Columns);
        var a = new float[reference.Count];
        var b = new float[recent.Count];
        for (var c = 0; c < matrix.Columns; c++)
        {
            for (var i = 0; i < reference.Count; i++)
            {
                a[i] = matrix.Values[(reference[i] * matrix.Columns) + c];
            }

            for (var i = 0; i < recent.Count; i++)
            {
                b[i] = matrix.Values[(recent[i] * matrix.Columns) + c];
            }

            var (d, p) = Ml.Evaluation.Drift.KolmogorovSmirnov(a, b);
            result.Add(new FeatureDrift(FeatureSchema.Names[c], Math.Round(Ml.Evaluation.Drift.PopulationStabilityIndex(a, b), 4), Math.Round(d, 4), p));
        }

        return result;
    }

    private static List<StatDrift> CompareStats(LoadedModel model, FeatureMatrix matrix, List<int> reference, List<int> recent)
    {
        var stats = model.Bundle.Stats;
        var predictions = new StatPrediction[stats.Count];
        var referencePredictions = stats.Select(_ => new float[reference.Count]).ToArray();
        var recentPredictions = stats.Select(_ => new float[recent.Count]).ToArray();
        var recentError = new double[stats.Count];
        for (var i = 0; i < reference.Count; i++)
        {
            model.Bundle.Predict(matrix.Row(reference[i]), predictions);
            for (var s = 0; s < stats.Count; s++)
            {
                referencePredictions[s][i] = predictions[s].Value;
            }
        }

        for (var i = 0; i < recent.Count; i++)
        {
            model.Bundle.Predict(matrix.Row(recent[i]), predictions);
            for (var s = 0; s < stats.Count; s++)
            {
                recentPredictions[s][i] = predictions[s].Value;
                recentError[s] += Math.Abs(predictions[s].Value - StatKinds.Get(matrix.Records[recent[i]], stats[s]));
            }
        }

        var validation = ValidationMae(model.Version.MetricsJson);
        return stats.Select((stat, s) =>
        {
            var recentMae = recentError[s] / recent.Count;
            var validationMae = validation.GetValueOrDefault(stat.ToString(), 0);
            return new StatDrift(
                stat.ToString().ToUpperInvariant(),
                Math.Round(Ml.Evaluation.Drift.PopulationStabilityIndex(referencePredictions[s], recentPredictions[s]), 4),
                Math.Round(recentMae, 4),
                Math.Round(validationMae, 4),
                validationMae > 0 ? Math.Round(recentMae / validationMae, 4) : 0);
        }).ToList();
    }

    private static Dictionary<string, double> ValidationMae(string metricsJson)
    {
        using var document = JsonDocument.Parse(metricsJson);
        return document.RootElement.EnumerateObject()
            .Where(p => p.Value.TryGetProperty("mae", out var mae) && mae.ValueKind == JsonValueKind.Number)
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("mae").GetDouble(), StringComparer.OrdinalIgnoreCase);
    }
}
