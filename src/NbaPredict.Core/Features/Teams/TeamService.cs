using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Features.Teams;

/// <remarks>Each call uses its own short-lived context, because GraphQL resolves sibling fields concurrently.</remarks>
public sealed class TeamService(IDbContextFactory<NbaDbContext> contexts, Caching.QueryCache cache)
{
    public async Task<IReadOnlyList<Team>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Teams.AsNoTracking().OrderBy(t => t.Abbreviation).ToListAsync(cancellationToken);
    }

    public Task<IDictionary<int, Team>> GetManyAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken = default) =>
        cache.GetManyAsync<int, Team>("teams", ids, GetManyUncachedAsync, cancellationToken);

    private async Task<IDictionary<int, Team>> GetManyUncachedAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Teams.AsNoTracking().Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, cancellationToken);
    }

    public async Task<Team?> GetByAbbreviationAsync(string abbreviation, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var code = abbreviation.Trim().ToUpperInvariant();
        return await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Abbreviation == code, cancellationToken);
    }
}
