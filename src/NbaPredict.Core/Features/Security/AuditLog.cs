using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;

namespace NbaPredict.Core.Features.Security;

/// <summary>Writes and pages the audit log. Writes use their own short-lived context so a failed request cannot roll them back.</summary>
public sealed class AuditLog(IDbContextFactory<NbaDbContext> contexts, TimeProvider clock)
{
    public async Task WriteAsync(string actor, string action, string outcome, string? detail, string? requestId, string? remoteAddress = null, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow(),
            Actor = Truncate(actor, 200)!,
            Action = Truncate(action, 200)!,
            Outcome = outcome,
            Detail = Truncate(detail, 2000),
            RequestId = Truncate(requestId, 100),
            RemoteAddress = Truncate(remoteAddress, 64),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Newest first; <paramref name="page"/> is validated by <see cref="PageRequest"/>.</summary>
    public async Task<Page<AuditEntry>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var total = await db.AuditEntries.CountAsync(cancellationToken);
        var items = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id)
            .Skip(page.Offset).Take(page.Size).ToListAsync(cancellationToken);
        return new Page<AuditEntry>(items, page.Offset, total);
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
