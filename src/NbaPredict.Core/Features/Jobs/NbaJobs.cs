using Microsoft.Extensions.Logging;
using NbaPredict.Core.Features.Drift;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Core.Features.Retraining;
using NbaPredict.Core.Features.Scoring;
using Quartz;

namespace NbaPredict.Core.Features.Jobs;

/// <summary>What a job run did, in a line for the job history; <see cref="RetrainRequested"/> asks for <see cref="RetrainJob"/>.</summary>
public sealed record JobOutcome(string Summary, bool RetrainRequested = false, string? RetrainTrigger = null);

/// <summary>
/// A scheduled job: Quartz calls <see cref="Execute"/>, which records the run in <c>job_runs</c> around
/// <see cref="RunAsync"/>. Tests and the replay call <see cref="RunAsync"/> directly with the instant to act for.
/// Every job refuses to overlap itself, across the cluster too.
/// </summary>
[DisallowConcurrentExecution]
public abstract class NbaJob(JobRunRecorder recorder, ILogger logger) : IJob
{
    public abstract string JobName { get; }

    public abstract Task<JobOutcome> RunAsync(DateTimeOffset firedAt, CancellationToken cancellationToken);

    /// <summary>Reads what a firing carries (a trigger started by another job says why).</summary>
    protected virtual void ReadJobData(JobDataMap data)
    {
    }

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var firedFor = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        var instance = context.Scheduler.SchedulerInstanceId;
        var run = await recorder.StartAsync(JobName, context.FireInstanceId, firedFor, instance, cancellationToken);
        try
        {
            ReadJobData(context.MergedJobDataMap);
            var outcome = await RunAsync(firedFor, cancellationToken);
            await recorder.FinishAsync(run, Domain.JobRunStatus.Succeeded, outcome.Summary, CancellationToken.None);
            if (outcome.RetrainRequested)
            {
                var data = new JobDataMap { [RetrainJob.TriggerKey] = outcome.RetrainTrigger ?? JobName };
                await context.Scheduler.TriggerJob(RetrainJob.Key, data, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Job {Job} failed", JobName);
            await recorder.FinishAsync(run, Domain.JobRunStatus.Failed, ex is DomainException ? ex.Message : "failed: " + ex.GetType().Name, CancellationToken.None);
            throw new JobExecutionException(ex);
        }
    }
}

/// <summary>Ingests the box scores of the previous day (US Eastern) from the configured source.</summary>
public sealed class IngestYesterdayJob(IDayIngestor ingestor, JobOptions options, JobRunRecorder recorder, ILogger<IngestYesterdayJob> logger) : NbaJob(recorder, logger)
{
    public const string Name = nameof(IngestYesterdayJob);

    public override string JobName => Name;

    public override async Task<JobOutcome> RunAsync(DateTimeOffset firedAt, CancellationToken cancellationToken)
    {
        var yesterday = options.LocalDay(firedAt).AddDays(-1);
        var result = await ingestor.IngestDayAsync(yesterday, cancellationToken);
        return new JobOutcome(result.ToString());
    }
}

/// <summary>Stores the schedule of today and tomorrow and predicts both slates with the production model.</summary>
public sealed class RefreshPredictionsJob(
    IDayIngestor ingestor, ScheduleWriter schedule, PredictionService predictions, JobOptions options, JobRunRecorder recorder, ILogger<RefreshPredictionsJob> logger) : NbaJob(recorder, logger)
{
    public const string Name = nameof(RefreshPredictionsJob);

    public override string JobName => Name;

    public override async Task<JobOutcome> RunAsync(DateTimeOffset firedAt, CancellationToken cancellationToken)
    {
        var today = options.LocalDay(firedAt);
        var parts = new List<string>();
        foreach (var day in new[] { today, today.AddDays(1) })
        {
            await schedule.AddMissingAsync(await ingestor.GetScheduleAsync(day, cancellationToken), cancellationToken);
            try
            {
                var refreshed = await predictions.RefreshAsync(day, cancellationToken);
                parts.Add($"{day:yyyy-MM-dd}: {refreshed.Count} predictions");
            }
            catch (DomainException ex) when (ex.Code is "NO_GAMES" or "NO_MODEL_YET")
            {
                parts.Add($"{day:yyyy-MM-dd}: {ex.Message}");
            }
        }

        return new JobOutcome(string.Join("; ", parts));
    }
}

/// <summary>
/// Reads the injury feed before today's games and stores each playing team's report, which remakes today's
/// predictions with the players ruled out (ADR 0022). Only with a live source (<c>Jobs:Source</c>): the bundled files
/// have no injury feed.
/// </summary>
public sealed class IngestInjuryReportsJob(Availability.InjuryReportIngestor ingestor, JobOptions options, JobRunRecorder recorder, ILogger<IngestInjuryReportsJob> logger) : NbaJob(recorder, logger)
{
    public const string Name = nameof(IngestInjuryReportsJob);

    public override string JobName => Name;

    public override async Task<JobOutcome> RunAsync(DateTimeOffset firedAt, CancellationToken cancellationToken)
    {
        if (options.ResolveSource() is null)
        {
            return new JobOutcome("skipped: Jobs:Source is the bundled files, which have no injury feed");
        }

        var ingested = await ingestor.IngestAsync(options.LocalDay(firedAt), cancellationToken);
        return new JobOutcome(ingested.ToString());
    }
}

/// <summary>Scores yesterday's stored predictions against the results (per model version, rolling MAE and coverage).</summary>
public sealed class ScoreResultsJob(ModelScoringService scoring, JobOptions options, JobRunRecorder recorder, ILogger<ScoreResultsJob> logger) : NbaJob(recorder, logger)
{
    public const string Name = nameof(ScoreResultsJob);

    public override string JobName => Name;

    public override async Task<JobOutcome> RunAsync(DateTimeOffset firedAt, CancellationToken cancellationToken)
    {
        var yesterday = options.LocalDay(firedAt).AddDays(-1);
        var scores = await scoring.ScoreDayAsync(yesterday, options.ScoreRollingDays, cancellationToken);
        var versions = scores.Select(s => s.ModelVersion).Distinct(StringComparer.Ordinal).Count();
        var pts = scores.FirstOrDefault(s => s.Stat == "PTS");
        return new JobOutcome(scores.Count == 0
            ? $"{yesterday:yyyy-MM-dd}: nothing to score"
            : $"{yesterday:yyyy-MM-dd}: {versions} model version(s) scored; PTS rolling MAE {pts?.RollingMae:F2}, 80% coverage {pts?.RollingCoverage80:P0}");
    }
}

/// <summary>Measures drift against the production model's training window; past a threshold it asks for retraining.</summary>
public sealed class DetectDriftJob(DriftService drift, JobOptions options, JobRunRecorder recorder, ILogger<DetectDriftJob> logger) : NbaJob(recorder, logger)
{
    public const string Name = nameof(DetectDriftJob);

    public override string JobName => Name;

    public override async Task<JobOutcome> RunAsync(DateTimeOffset firedAt, CancellationToken cancellationToken)
    {
        var settings = options.Drift;
        try
        {
            var report = await drift.RunAsync(settings.RecentDays, settings.PsiThreshold, settings.ErrorRatioThreshold, cancellationToken);
            var summary = $"report {report.Id}: max feature PSI {report.MaxFeaturePsi:F3}, drifted: {report.Drifted}";
            return report.Drifted && settings.RetrainOnDrift
                ? new JobOutcome(summary + "; retraining requested", RetrainRequested: true, RetrainTrigger: $"drift #{report.Id}")
                : new JobOutcome(summary);
        }
        catch (DomainException ex) when (ex.Code is "NO_MODEL_YET" or "NOT_ENOUGH_RECENT_DATA")
        {
            return new JobOutcome(ex.Message);
        }
    }
}

/// <summary>Champion/challenger retraining: on its schedule, or when drift asks for it.</summary>
public sealed class RetrainJob(RetrainingService retraining, JobRunRecorder recorder, ILogger<RetrainJob> logger) : NbaJob(recorder, logger)
{
    public const string Name = nameof(RetrainJob);
    public const string TriggerKey = "trigger";
    public static readonly JobKey Key = new(Name, JobScheduling.Group);

    public override string JobName => Name;

    /// <summary>What asked for this run: the schedule, or a drift report (from the firing's job data).</summary>
    public string Trigger { get; set; } = "schedule";

    protected override void ReadJobData(JobDataMap data)
    {
        if (data.TryGetValue(TriggerKey, out var value) && value is string trigger && !string.IsNullOrWhiteSpace(trigger))
        {
            Trigger = trigger;
        }
    }

    public override async Task<JobOutcome> RunAsync(DateTimeOffset firedAt, CancellationToken cancellationToken)
    {
        var decision = await retraining.RetrainAsync(new RetrainRequest(Trigger), cancellationToken: cancellationToken);
        return new JobOutcome($"decision {decision.Id}: {decision.Reason}");
    }
}
