using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Core.Features.Models;

/// <summary>
/// What to train on: everything imported, or everything before a held-out season; <paramref name="Before"/> also
/// keeps every game on or after that date unseen (the champion/challenger window).
/// </summary>
public sealed record TrainingRequest(string? HoldoutSeason = null, bool Promote = false, TrainingOptions? Options = null, DateOnly? Before = null);

public sealed record TrainingOutcome(ModelVersion Model, ModelBundle Bundle, TimeSpan Elapsed);

/// <summary>
/// Trains the ensemble on stored box scores and registers it: the latest season kept for training calibrates
/// the stacker and the intervals; every earlier season trains the members. The artifact is written to a
/// temporary folder and renamed into place, so a crash never leaves a half-written model behind, then copied to the
/// artifact store (a no-op for the default filesystem store).
/// </summary>
public sealed class ModelTrainingService(HistoryLoader history, ModelRegistryService registry, IModelArtifactStore artifacts, TimeProvider time)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public async Task<TrainingOutcome> TrainAsync(TrainingRequest request, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        log ??= _ => { };
        using var job = Telemetry.NbaTelemetry.TimeJob("training");
        var started = Stopwatch.StartNew();
        var (records, plan, seasons) = TrainingWindows.Select(await history.LoadAsync(cancellationToken: cancellationToken), request.HoldoutSeason, request.Before);
        var calibrationYear = seasons[^1];
        log($"training on {records.Count:N0} player-games: seasons {Seasons.Label(seasons[0])}…{Seasons.Label(seasons[^2])}, calibrating on {Seasons.Label(calibrationYear)}");

        cancellationToken.ThrowIfCancellationRequested();
        var (_, matrix) = FeatureStore.BuildHistorical(records);
        log($"features: {matrix.Rows:N0} rows × {matrix.Columns} (schema {FeatureSchema.Version})");
        var bundle = await Task.Run(() => ModelTrainer.Train(matrix, plan, request.Options, log), cancellationToken);

        var version = ModelRegistryService.NewVersionName(time.GetUtcNow());
        while (await registry.GetAsync(version, cancellationToken) is not null)
        {
            version += "b";
        }

        var target = Path.Combine(registry.ModelsDirectory, version);
        StagingDirectories.RemoveAbandoned(registry.ModelsDirectory);
        var staging = StagingDirectories.NewPath(registry.ModelsDirectory, version);
        bundle.Save(staging);
        Directory.Move(staging, target);
        try
        {
            // Uploaded before registering, so a registered version always has its artifact in the store.
            await artifacts.UploadAsync(version, target, cancellationToken);
        }
        catch
        {
            // Nothing is registered: drop the folder too, so the version name is free for the next attempt.
            Directory.Delete(target, recursive: true);
            throw;
        }

        var manifest = bundle.Manifest;
        var model = await registry.RegisterAsync(new ModelVersion
        {
            Version = version,
            CreatedAt = time.GetUtcNow(),
            FeatureSchemaVersion = manifest.FeatureSchemaVersion,
            TrainFrom = manifest.TrainFrom,
            TrainTo = manifest.TrainTo,
            CalibrationFrom = manifest.CalibrationFrom,
            CalibrationTo = manifest.CalibrationTo,
            TrainingRows = manifest.TrainingRows,
            TrainingSeconds = manifest.TrainingSeconds,
            DataHash = manifest.DataHash,
            ArtifactPath = version,
            HyperparametersJson = JsonSerializer.Serialize(manifest.Options, Json),
            MetricsJson = JsonSerializer.Serialize(manifest.ValidationMetrics, Json),
            KnownAbsenceMetricsJson = JsonSerializer.Serialize(manifest.KnownAbsenceValidationMetrics, Json),
        }, cancellationToken);
        log($"registered model {version} as a candidate");

        if (request.Promote)
        {
            model = await registry.PromoteAsync(version, cancellationToken);
            log($"promoted {version} to production");
        }

        job.Succeeded();
        return new TrainingOutcome(model, bundle, started.Elapsed);
    }
}
