using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NbaPredict.Core.Features.Ingestion;
using Quartz;

namespace NbaPredict.Core.Features.Jobs;

/// <summary>
/// The feedback loop on Quartz.NET. With PostgreSQL configured the schedule lives in Quartz's clustered ADO.NET
/// job store in the same database (tables created if missing at start; job data serialized with System.Text.Json),
/// so every replica shares one schedule and a firing runs on exactly one of them. Without PostgreSQL the
/// schedule is in memory, inside the one process.
/// </summary>
public static class JobScheduling
{
    public const string Group = "nbapredict";
    public const string SchedulerName = "NbaPredict";

    public static readonly IReadOnlyList<(string Name, Type Type)> Jobs =
    [
        (IngestYesterdayJob.Name, typeof(IngestYesterdayJob)),
        (RefreshPredictionsJob.Name, typeof(RefreshPredictionsJob)),
        (IngestInjuryReportsJob.Name, typeof(IngestInjuryReportsJob)),
        (ScoreResultsJob.Name, typeof(ScoreResultsJob)),
        (DetectDriftJob.Name, typeof(DetectDriftJob)),
        (RetrainJob.Name, typeof(RetrainJob)),
    ];

    /// <summary>The job services alone (no scheduler): what the replay and the tests use.</summary>
    public static IServiceCollection AddNbaJobServices(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => JobOptions.From(sp.GetRequiredService<IConfiguration>()));
        services.AddNbaIngestion();
        services.TryAddScoped<BundledCsvDayIngestor>();
        services.TryAddScoped<IDayIngestor>(sp => sp.GetRequiredService<JobOptions>().ResolveSource() is { } source
            ? ActivatorUtilities.CreateInstance<HttpDayIngestor>(sp, source)
            : sp.GetRequiredService<BundledCsvDayIngestor>());
        services.TryAddScoped<ScheduleWriter>();
        services.TryAddScoped<JobRunRecorder>();
        services.TryAddScoped<Scoring.ModelScoringService>();
        services.TryAddScoped<Retraining.RetrainingService>();
        services.TryAddScoped<Replay.ReplayService>();
        services.TryAddScoped<Availability.InjuryReportIngestor>();
        foreach (var (_, type) in Jobs)
        {
            services.TryAddScoped(type);
        }

        return services;
    }

    /// <summary>
    /// The jobs and their Quartz scheduler, started with the host when <c>Jobs:Enabled</c> is true (the default).
    /// <paramref name="configuration"/> is read now for the store and the schedules; whether to start is read
    /// again from the final configuration when the host starts, so a test host can switch the jobs off.
    /// </summary>
    public static IServiceCollection AddNbaJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNbaJobServices();
        var options = JobOptions.From(configuration);
        options.ResolveSource();
        var postgres = configuration.GetConnectionString("Postgres");
        var timeZone = options.ResolveTimeZone();
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s => s.InstanceName = SchedulerName);
            q.UseDefaultThreadPool(2);
            if (string.IsNullOrWhiteSpace(postgres))
            {
                q.UseInMemoryStore();
            }
            else
            {
                q.ConfigureScheduler(s => s.GenerateInstanceId = true);
                q.UsePersistentStore(store =>
                {
                    store.UsePostgres(postgres);
                    store.UseSystemTextJsonSerializer();
                    store.ProvisionSchema();
                    store.UseClustering(c => c.CheckinInterval = options.ClusterCheckinInterval);
                });
            }

            foreach (var (name, type) in Jobs)
            {
                q.AddJob(type, j => j.WithIdentity(name, Group).StoreDurably().DisallowConcurrentExecution());
                if (options.Schedules.TryGetValue(name, out var cron) && !string.IsNullOrWhiteSpace(cron))
                {
                    q.AddTrigger(t => t.ForJob(name, Group).WithIdentity(name + ".schedule", Group)
                        .WithCronSchedule(cron, c => c.InTimeZone(timeZone)));
                }
            }
        });
        services.TryAddSingleton<JobSchedulerStatus>();
        services.AddHostedService<NbaJobsHostedService>();
        return services;
    }
}

/// <summary>Starts the scheduler with the host (only when jobs are enabled) and lets running jobs finish on stop.</summary>
internal sealed class NbaJobsHostedService(IServiceProvider services, IConfiguration configuration, JobSchedulerStatus status, ILogger<NbaJobsHostedService> logger) : IHostedService
{
    private IScheduler? scheduler;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = JobOptions.From(configuration);
        // The final configuration may differ from what AddNbaJobs saw (a test host's overrides): a bad source fails the start here too.
        options.ResolveSource();
        if (!options.Enabled)
        {
            logger.LogInformation("Scheduled jobs are off (Jobs:Enabled=false)");
            status.Set(null, "off (Jobs:Enabled=false)");
            return;
        }

        scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler(cancellationToken);
        await scheduler.Start(cancellationToken);
        status.Set(scheduler, $"running on {scheduler.SchedulerInstanceId}");
        logger.LogInformation("Scheduled jobs started on {Instance}", scheduler.SchedulerInstanceId);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (scheduler is not null)
        {
            status.Set(null, "stopping");
            await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
    }
}

/// <summary>Whether this process's scheduler runs, for health checks and for triggering a job by hand.</summary>
public sealed class JobSchedulerStatus
{
    private volatile IScheduler? scheduler;
    private volatile string message = "not started";

    public IScheduler? Scheduler => scheduler;

    public string Message => message;

    public bool Running => scheduler is not null;

    public void Set(IScheduler? value, string text)
    {
        scheduler = value;
        message = text;
    }
}
