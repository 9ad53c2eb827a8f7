using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace NbaPredict.Core.Data;

/// <summary>Applies pending migrations; safe to call on every start and from several processes.</summary>
public sealed class DatabaseInitializer(NbaDbContext db, ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Applying {Count} {Provider} migration(s): {Migrations}", pending.Count, db.Provider, string.Join(", ", pending));
        }

        await db.Database.MigrateAsync(cancellationToken);
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets API readers continue while the background import writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
