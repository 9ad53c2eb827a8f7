using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;

namespace NbaPredict.Core.Features.Predictions;

/// <summary>
/// Serializes the writes of one game day: a day's predictions are replaced as a whole (delete, then insert), and
/// two replacements overlapping would both insert and break the unique index. Within a process a semaphore per day
/// orders them; across processes on PostgreSQL a transaction-scoped advisory lock does, released at commit.
/// </summary>
public sealed class DayWriteLock
{
    // Two-key advisory locks: this namespace ("NBAP") and the day number, so other users of advisory locks cannot collide.
    private const int AdvisoryNamespace = 0x4E424150;

    private readonly ConcurrentDictionary<int, SemaphoreSlim> days = new();

    /// <summary>Waits for the day within this process; dispose the result to let the next writer in.</summary>
    public async Task<IDisposable> EnterAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var gate = days.GetOrAdd(date.DayNumber, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    /// <summary>
    /// On PostgreSQL, takes the day's advisory lock in <paramref name="db"/>'s current transaction (begin one first),
    /// so writers in other processes wait until it commits. Nothing to do on SQLite, which is used by one process and
    /// serializes writing transactions itself.
    /// </summary>
    public static async Task HoldAcrossProcessesAsync(NbaDbContext db, DateOnly date, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Provider == DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdvisoryNamespace}, {date.DayNumber})", cancellationToken);
        }
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
