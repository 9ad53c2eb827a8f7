using System.Collections.Concurrent;
using System.Globalization;
using NbaPredict.Core;
using StackExchange.Redis;

namespace NbaPredict.Graph.Security;

/// <summary>Answer of a token bucket: allowed, or refused with the time until the next token.</summary>
public readonly record struct RateDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>Token buckets keyed by caller. One bucket per partition; capacity <c>burst</c>, refilled at <c>perMinute</c>.</summary>
public interface IRateLimitStore
{
    ValueTask<RateDecision> TakeAsync(string partition, TierLimit limit, CancellationToken cancellationToken);
}

/// <summary>Buckets in this process: exact for one instance.</summary>
public sealed class InMemoryRateLimitStore(TimeProvider clock) : IRateLimitStore
{
    private readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);

    public ValueTask<RateDecision> TakeAsync(string partition, TierLimit limit, CancellationToken cancellationToken)
    {
        var bucket = buckets.GetOrAdd(partition, _ => new Bucket(limit.Burst, clock.GetTimestamp()));
        lock (bucket)
        {
            var now = clock.GetTimestamp();
            var perSecond = limit.PerMinute / 60.0;
            bucket.Tokens = Math.Min(limit.Burst, bucket.Tokens + (clock.GetElapsedTime(bucket.Stamp, now).TotalSeconds * perSecond));
            bucket.Stamp = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return ValueTask.FromResult(new RateDecision(true, TimeSpan.Zero));
            }

            var wait = perSecond <= 0 ? TimeSpan.FromMinutes(1) : TimeSpan.FromSeconds((1 - bucket.Tokens) / perSecond);
            return ValueTask.FromResult(new RateDecision(false, wait));
        }
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }
}

/// <summary>
/// Buckets in Redis, shared by every instance: one Lua script refills and takes atomically using the Redis clock.
/// When Redis is unreachable the instance falls back to its own buckets rather than refusing or waving everyone through,
/// and does not ask Redis again for <see cref="RetryRedisAfter"/>, so an outage does not slow every request down.
/// </summary>
public sealed partial class RedisRateLimitStore(NbaPredictSettings settings, InMemoryRateLimitStore fallback, ILogger<RedisRateLimitStore> logger) : IRateLimitStore, IDisposable
{
    private const string Script = """
        local now = redis.call('TIME')
        local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        local burst = tonumber(ARGV[1])
        local perMs = tonumber(ARGV[2])
        local state = redis.call('HMGET', KEYS[1], 't', 's')
        local tokens = tonumber(state[1])
        local stamp = tonumber(state[2])
        if tokens == nil then tokens = burst; stamp = ms end
        tokens = math.min(burst, tokens + math.max(0, ms - stamp) * perMs)
        local wait = 0
        local allowed = 0
        if tokens >= 1 then tokens = tokens - 1; allowed = 1 elseif perMs > 0 then wait = math.ceil((1 - tokens) / perMs) else wait = 60000 end
        redis.call('HSET', KEYS[1], 't', tostring(tokens), 's', tostring(ms))
        local ttl = 60000
        if perMs > 0 then ttl = math.ceil(burst / perMs) + 1000 end
        redis.call('PEXPIRE', KEYS[1], ttl)
        return { allowed, wait }
        """;

    public static readonly TimeSpan RetryRedisAfter = TimeSpan.FromSeconds(10);

    private readonly Lazy<Task<ConnectionMultiplexer>> connection = new(() =>
    {
        var options = ConfigurationOptions.Parse(settings.RedisConnectionString!);
        options.AbortOnConnectFail = false;
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 1_000);
        return ConnectionMultiplexer.ConnectAsync(options);
    });

    private long redisDownUntil;

    /// <summary>
    /// Waits for the first connection without the per-request time limit. A request never waits for it: on a loaded
    /// machine the first connect can outlast the limit, and the request then counts against the local bucket.
    /// </summary>
    internal Task ConnectAsync() => connection.Value;

    public async ValueTask<RateDecision> TakeAsync(string partition, TierLimit limit, CancellationToken cancellationToken)
    {
        if (Environment.TickCount64 < Volatile.Read(ref redisDownUntil))
        {
            return await fallback.TakeAsync(partition, limit, cancellationToken);
        }

        try
        {
            var redis = await connection.Value.WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
                Script,
                [new RedisKey("nbapredict:ratelimit:" + partition)],
                [limit.Burst.ToString(CultureInfo.InvariantCulture), (limit.PerMinute / 60_000.0).ToString("R", CultureInfo.InvariantCulture)]))!;
            return new RateDecision((long)result[0] == 1, TimeSpan.FromMilliseconds((long)result[1]));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisUnavailable(logger, ex);
            Volatile.Write(ref redisDownUntil, Environment.TickCount64 + (long)RetryRedisAfter.TotalMilliseconds);
            return await fallback.TakeAsync(partition, limit, cancellationToken);
        }
    }

    public void Dispose()
    {
        if (connection.IsValueCreated && connection.Value.IsCompletedSuccessfully)
        {
            connection.Value.Result.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limiting falls back to this instance's buckets: Redis is unavailable.")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);
}
