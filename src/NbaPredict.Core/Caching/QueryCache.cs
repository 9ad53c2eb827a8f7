using Microsoft.Extensions.Caching.Memory;

namespace NbaPredict.Core.Caching;

/// <summary>
/// A version number for the box-score data. Anything derived from box scores is cached under the current
/// version, so bumping it (after an import changed rows) makes every derived entry unreachable at once.
/// </summary>
public sealed class DataVersion
{
    private long current;

    public long Current => Interlocked.Read(ref current);

    /// <summary>Raised after every bump, for caches that are not keyed by the version (tags are removed instead).</summary>
    public event Action? Bumped;

    public void Bump()
    {
        Interlocked.Increment(ref current);
        Bumped?.Invoke();
    }
}

/// <summary>
/// Read-through cache for answers derived from box scores (pages of players, season averages, teams).
/// Entries are keyed by <see cref="DataVersion"/> so local imports invalidate them immediately; a short
/// lifetime bounds staleness when another instance writes to a shared PostgreSQL.
/// </summary>
public sealed class QueryCache(DataVersion version) : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 50_000 });
    private long hits;
    private long misses;

    public long Hits => Interlocked.Read(ref hits);

    public long Misses => Interlocked.Read(ref misses);

    public void Dispose() => cache.Dispose();

    public string Key(string kind, string key) => $"{version.Current}:{kind}:{key}";

    public bool TryGet<T>(string key, out T value)
    {
        if (cache.TryGetValue(key, out var found) && found is T typed)
        {
            Interlocked.Increment(ref hits);
            value = typed;
            return true;
        }

        Interlocked.Increment(ref misses);
        value = default!;
        return false;
    }

    public void Set<T>(string key, T value) =>
        cache.Set(key, value, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });

    public async Task<T> GetOrCreateAsync<T>(string kind, string key, Func<CancellationToken, Task<T>> create, CancellationToken cancellationToken)
    {
        var fullKey = Key(kind, key);
        if (TryGet<T>(fullKey, out var value))
        {
            return value;
        }

        value = await create(cancellationToken);
        Set(fullKey, value);
        return value;
    }

    /// <summary>
    /// Batch form: keys already cached are answered from memory, the rest are fetched in one call and cached,
    /// including keys that had no value (so they are not fetched again).
    /// </summary>
    public async Task<IDictionary<TKey, TValue>> GetManyAsync<TKey, TValue>(
        string kind,
        IReadOnlyList<TKey> keys,
        Func<IReadOnlyList<TKey>, CancellationToken, Task<IDictionary<TKey, TValue>>> fetch,
        CancellationToken cancellationToken)
        where TKey : notnull
        where TValue : class
    {
        var result = new Dictionary<TKey, TValue>(keys.Count);
        var missing = new List<TKey>();
        foreach (var key in keys)
        {
            if (TryGet<Entry<TValue>>(Key(kind, key.ToString()!), out var entry))
            {
                if (entry.Value is not null)
                {
                    result[key] = entry.Value;
                }
            }
            else
            {
                missing.Add(key);
            }
        }

        if (missing.Count > 0)
        {
            var fetched = await fetch(missing, cancellationToken);
            foreach (var key in missing)
            {
                fetched.TryGetValue(key, out var value);
                Set(Key(kind, key.ToString()!), new Entry<TValue>(value));
                if (value is not null)
                {
                    result[key] = value;
                }
            }
        }

        return result;
    }

    private sealed record Entry<TValue>(TValue? Value);
}
