using NbaPredict.Core.Features.Games;
using NbaPredict.Core.Features.Models;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Graph.Hosting;

/// <summary>
/// Makes a fresh install useful on its own: once the bundled import is done and no production model exists,
/// trains a first model (the quick configuration, so it is ready within minutes on 2 cores), promotes it and
/// predicts the latest game day. With a model already in the registry it only loads it.
/// </summary>
public sealed class ModelBootstrapService(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    ImportStatus import,
    ProductionModel production,
    ModelBootstrapStatus status,
    ILogger<ModelBootstrapService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await production.RefreshAsync(force: true, stoppingToken);
            if (production.Current is not null)
            {
                status.Set($"serving {production.Current.Version.Version}");
                return;
            }

            if (!configuration.GetValue("NBAPREDICT_TRAIN_ON_START", true))
            {
                status.Set("no production model; training on start is disabled (NBAPREDICT_TRAIN_ON_START=false)");
                return;
            }

            while (import.State is ImportState.Pending or ImportState.Running)
            {
                status.Set("waiting for the bundled import before training a first model");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }

            await using var scope = scopes.CreateAsyncScope();
            var trainer = scope.ServiceProvider.GetRequiredService<ModelTrainingService>();
            status.Set("training a first model");
            // The first model comes fast and without the known-absence model, which would add about 40 % (ADR 0021);
            // until a full `train` or the retrain job, what-ifs naming absences use the ensemble (ADR 0020).
            var firstModel = TrainingOptions.Quick with { KnownAbsenceModel = false };
            var outcome = await trainer.TrainAsync(new TrainingRequest(Promote: true, Options: firstModel), message =>
            {
                status.Set("training a first model: " + message);
                logger.LogInformation("First model: {Message}", message);
            }, stoppingToken);
            status.Set($"serving {outcome.Model.Version}; predicting the latest game day");

            if (await scope.ServiceProvider.GetRequiredService<GameService>().GetLatestGameDateAsync(stoppingToken) is { } latest)
            {
                var predictions = await scope.ServiceProvider.GetRequiredService<PredictionService>().RefreshAsync(latest, stoppingToken);
                logger.LogInformation("Predicted {Count} player-games for {Date}", predictions.Count, latest);
            }

            status.Set($"serving {outcome.Model.Version}");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            status.Set("stopped before a first model was ready; training restarts on the next start");
        }
        catch (Exception ex)
        {
            status.Set("first model training failed; see the log");
            logger.LogError(ex, "Training the first model failed");
        }
    }
}

public sealed class ModelBootstrapStatus
{
    private volatile string message = "starting";

    public string Message => message;

    public void Set(string value) => message = value;
}
