using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Features.Experiments;

/// <summary>
/// The running experiment (at most one per unit kind) held in memory, so serving a prediction does not read the
/// experiments table. Changes made in this process are seen at once (<see cref="Invalidate"/>); changes made by
/// other processes within <see cref="RecheckInterval"/>.
/// </summary>
public sealed class RunningExperiments(IDbContextFactory<NbaDbContext> contexts, TimeProvider time)
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(10);

    private volatile Snapshot? snapshot;

    public async ValueTask<IReadOnlyList<ExperimentView>> GetAsync(CancellationToken cancellationToken = default)
    {
        var held = snapshot;
        if (held is not null && time.GetUtcNow() - held.At < RecheckInterval)
        {
            return held.Running;
        }

        await using var db = contexts.CreateDbContext();
        var rows = await db.Experiments.AsNoTracking().Where(e => e.Status == ExperimentStatus.Running).OrderBy(e => e.Id).ToListAsync(cancellationToken);
        var running = rows.Select(ExperimentView.From).ToList();
        snapshot = new Snapshot(running, time.GetUtcNow());
        return running;
    }

    public void Invalidate() => snapshot = null;

    private sealed record Snapshot(IReadOnlyList<ExperimentView> Running, DateTimeOffset At);
}
