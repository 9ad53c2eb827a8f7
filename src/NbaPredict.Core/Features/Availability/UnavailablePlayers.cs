using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Ml.Features;

namespace NbaPredict.Core.Features.Availability;

/// <summary>The rules every list of unavailable players follows, in a what-if and in an injury report alike.</summary>
public static class UnavailablePlayers
{
    /// <summary>
    /// The ids once each, in the order given; refused when there are more than <see cref="FeatureStore.MaxUnavailable"/>.
    /// <paramref name="how"/> completes the refusal: "given", "reported".
    /// </summary>
    public static int[] Distinct(IReadOnlyList<int> ids, string how)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var distinct = ids.Distinct().ToArray();
        return distinct.Length <= FeatureStore.MaxUnavailable
            ? distinct
            : throw new DomainException("TOO_MANY_UNAVAILABLE", $"at most {FeatureStore.MaxUnavailable} unavailable players can be {how}; got {distinct.Length}");
    }

    /// <summary>The ids of <paramref name="ids"/> that no known player has, in their order.</summary>
    public static async Task<List<int>> UnknownAsync(NbaDbContext db, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var known = await db.Players.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => p.Id).ToListAsync(cancellationToken);
        return [.. ids.Where(id => !known.Contains(id))];
    }

    /// <summary>The refusal of an id no known player has.</summary>
    public static DomainException Unknown(int id) => new("UNKNOWN_PLAYER", $"unavailable player {id} is not a known NBA player id");
}
