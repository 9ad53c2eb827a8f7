using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NbaPredict.Core.Events;

namespace NbaPredict.Core.Features.Models;

public enum TrainingJobState
{
    Running,
    Succeeded,
    Failed,
}

/// <summary>One progress event of a training job; also its latest known state.</summary>
public sealed record TrainingProgress(string JobId, TrainingJobState State, string Message, string? ModelVersion, DateTimeOffset At);

/// <summary>
/// Training started from the API: one job at a time (training uses both cores), run in the background with
/// its own scope, progress published on <c>training.&lt;jobId&gt;</c> and kept for <c>trainingJob(id)</c>.
/// </summary>
public sealed class TrainingJobs(IServiceScopeFactory scopes, IEventBus events, TimeProvider time, ILogger<TrainingJobs> logger)
{
    private readonly ConcurrentDictionary<string, TrainingProgress> jobs = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private string? running;

    public static string Topic(string jobId) => "training." + jobId;

    public TrainingProgress? Get(string jobId) => jobs.GetValueOrDefault(jobId);

    public TrainingProgress Start(TrainingRequest request)
    {
        string id;
        lock (gate)
        {
            if (running is not null)
            {
                throw new DomainException("TRAINING_IN_PROGRESS", $"training job {running} is still running; follow it with trainingProgress(jobId: \"{running}\")");
            }

            id = Guid.NewGuid().ToString("N")[..12];
            running = id;
        }

        var started = new TrainingProgress(id, TrainingJobState.Running, "queued", null, time.GetUtcNow());
        jobs[id] = started;
        _ = Task.Run(() => RunAsync(id, request));
        return started;
    }

    private async Task RunAsync(string id, TrainingRequest request)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var trainer = scope.ServiceProvider.GetRequiredService<ModelTrainingService>();
            var outcome = await trainer.TrainAsync(request, message => Report(id, TrainingJobState.Running, message, null));
            await ReportAsync(id, TrainingJobState.Succeeded, $"model {outcome.Model.Version} registered as {outcome.Model.Stage.ToString().ToLowerInvariant()}", outcome.Model.Version);
        }
        catch (DomainException ex)
        {
            await ReportAsync(id, TrainingJobState.Failed, ex.Message, null);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Training job {JobId} failed", id);
            await ReportAsync(id, TrainingJobState.Failed, "training failed unexpectedly; see the server log", null);
        }
        finally
        {
            lock (gate)
            {
                running = null;
            }
        }
    }

    private void Report(string id, TrainingJobState state, string message, string? version) =>
        ReportAsync(id, state, message, version).AsTask().GetAwaiter().GetResult();

    private ValueTask ReportAsync(string id, TrainingJobState state, string message, string? version)
    {
        var progress = new TrainingProgress(id, state, message, version, time.GetUtcNow());
        jobs[id] = progress;
        return events.PublishAsync(Topic(id), progress);
    }
}
