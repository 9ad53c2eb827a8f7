using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace NbaPredict.Core.Caching;

/// <summary>
/// The second cache level (behind HybridCache's in-memory level) over StackExchange.Redis. While Redis is
/// unreachable every call returns at once as a miss (or a skipped write) instead of waiting for a timeout, so the
/// service keeps answering from memory and the database; the multiplexer reconnects by itself when Redis returns.
/// </summary>
public sealed class RedisL2Cache : IDistributedCache, IDisposable
{
    private const string KeyPrefix = "nbapredict:cache:";
    private readonly Lazy<ConnectionMultiplexer> connection;
    private readonly ILogger<RedisL2Cache> logger;

    public RedisL2Cache(string configuration, ILogger<RedisL2Cache> logger)
    {
        this.logger = logger;
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2_000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 1_000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 1_000);
        connection = new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(options));
    }

    public bool IsConnected => connection.IsValueCreated && connection.Value.IsConnected;

    public void Dispose()
    {
        if (connection.IsValueCreated)
        {
            connection.Value.Dispose();
        }
    }

    public byte[]? Get(string key) => Database() is { } db ? Try(() => (byte[]?)db.StringGet(KeyPrefix + key), null) : null;

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
        Database() is { } db ? await TryAsync(async () => (byte[]?)await db.StringGetAsync(KeyPrefix + key), null) : null;

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        if (Database() is { } db)
        {
            Try(() => db.StringSet(KeyPrefix + key, value, Expiry(options)), false);
        }
    }

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        if (Database() is { } db)
        {
            await TryAsync(() => db.StringSetAsync(KeyPrefix + key, value, Expiry(options)), false);
        }
    }

    public void Refresh(string key)
    {
        // Entries have absolute lifetimes only; nothing to slide.
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key)
    {
        if (Database() is { } db)
        {
            Try(() => db.KeyDelete(KeyPrefix + key), false);
        }
    }

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        if (Database() is { } db)
        {
            await TryAsync(() => db.KeyDeleteAsync(KeyPrefix + key), false);
        }
    }

    private static Expiration Expiry(DistributedCacheEntryOptions options)
    {
        var ttl = options.AbsoluteExpirationRelativeToNow ?? (options.AbsoluteExpiration - DateTimeOffset.UtcNow);
        return ttl is { } lifetime ? new Expiration(lifetime) : Expiration.Default;
    }

    private IDatabase? Database()
    {
        try
        {
            var multiplexer = connection.Value;
            return multiplexer.IsConnected ? multiplexer.GetDatabase() : null;
        }
        catch (RedisException ex)
        {
            logger.LogWarning("Redis cache unavailable: {Reason}", ex.Message);
            return null;
        }
    }

    private T Try<T>(Func<T> action, T fallback)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("Redis cache call failed; answering without it: {Reason}", ex.Message);
            return fallback;
        }
    }

    private async Task<T> TryAsync<T>(Func<Task<T>> action, T fallback)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("Redis cache call failed; answering without it: {Reason}", ex.Message);
            return fallback;
        }
    }
}
