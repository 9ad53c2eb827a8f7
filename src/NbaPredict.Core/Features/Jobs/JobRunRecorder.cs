using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Features.Jobs;

/// <summary>Writes the job history (<c>job_runs</c>): one row per execution, on whichever node ran it.</summary>
public sealed class JobRunRecorder(IDbContextFactory<NbaDbContext> contexts, TimeProvider time)
{
    public async Task<long> StartAsync(string jobName, string fireInstanceId, DateTimeOffset scheduledFor, string instanceName, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var run = new JobRun
        {
            JobName = jobName,
            FireInstanceId = fireInstanceId,
            ScheduledFireTime = scheduledFor,
            InstanceName = instanceName,
            StartedAt = time.GetUtcNow(),
            Status = JobRunStatus.Running,
        };
        db.JobRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        return run.Id;
    }

    public async Task FinishAsync(long runId, JobRunStatus status, string summary, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var finished = time.GetUtcNow();
        var text = summary.Length > 1000 ? summary[..1000] : summary;
        await db.JobRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(u => u
            .SetProperty(r => r.Status, status)
            .SetProperty(r => r.FinishedAt, finished)
            .SetProperty(r => r.Summary, text), cancellationToken);
    }

    public async Task<IReadOnlyList<JobRun>> ListAsync(string? jobName, int count, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var query = db.JobRuns.AsQueryable();
        if (jobName is not null)
        {
            query = query.Where(r => r.JobName == jobName);
        }

        return await query.OrderByDescending(r => r.Id).Take(Math.Clamp(count, 1, 1000)).ToListAsync(cancellationToken);
    }
}
