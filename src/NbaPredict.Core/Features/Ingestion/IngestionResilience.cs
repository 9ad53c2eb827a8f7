using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace NbaPredict.Core.Features.Ingestion;

/// <summary>A retry the pipeline decided on: which source, which attempt, why, and how long it waits.</summary>
public sealed record RetryDecision(IngestionSource Source, int Attempt, string Cause, TimeSpan Delay);

/// <summary>
/// The resilience state that must outlive one request: the per-source rate limiters (a token bucket, so
/// requests queue instead of failing) and the last retries, for logs and tests.
/// </summary>
public sealed class IngestionResilience : IDisposable
{
    private const int RetainedDecisions = 200;
    private readonly Dictionary<IngestionSource, TokenBucketRateLimiter> limiters;
    private readonly ConcurrentQueue<RetryDecision> retries = new();

    public IngestionResilience(Microsoft.Extensions.Options.IOptions<IngestionOptions> options) =>
        limiters = Enum.GetValues<IngestionSource>().ToDictionary(s => s, s => CreateLimiter(options.Value.For(s).RequestsPerSecond));

    public IReadOnlyCollection<RetryDecision> Retries => retries;

    public RateLimiter LimiterFor(IngestionSource source) => limiters[source];

    public void Dispose()
    {
        foreach (var limiter in limiters.Values)
        {
            limiter.Dispose();
        }
    }

    internal void Record(RetryDecision decision)
    {
        retries.Enqueue(decision);
        while (retries.Count > RetainedDecisions && retries.TryDequeue(out _))
        {
        }
    }

    private static TokenBucketRateLimiter CreateLimiter(double requestsPerSecond)
    {
        if (!(requestsPerSecond > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "RequestsPerSecond must be positive");
        }

        // One token per period and a bucket of one: never a burst above the configured rate.
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / requestsPerSecond),
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>
    /// Total timeout → retry (exponential backoff with jitter, or the server's <c>Retry-After</c>) → rate limiter →
    /// circuit breaker → per-attempt timeout. The limiter sits inside the retry so retries are paced too, and
    /// outside the attempt timeout so waiting for a permit never counts as a slow server.
    /// </summary>
    internal static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, IngestionSource source, SourceOptions options, IngestionResilience state, ILogger logger)
    {
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout });
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            ShouldRetryAfterHeader = false,
            ShouldHandle = args => ValueTask.FromResult(
                HttpClientResiliencePredicates.IsTransient(args.Outcome) && !(RetryAfter(args.Outcome.Result) > options.MaxRetryAfter)),
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
            OnRetry = args =>
            {
                var cause = args.Outcome.Result is { } response
                    ? $"HTTP {(int)response.StatusCode}"
                    : args.Outcome.Exception?.GetType().Name ?? "unknown";
                state.Record(new RetryDecision(source, args.AttemptNumber + 1, cause, args.RetryDelay));
                if (logger.IsEnabled(LogLevel.Warning))
                {
                    logger.LogWarning("{Source}: attempt {Attempt} failed ({Cause}); retrying in {Delay:0.###} s",
                        IngestionService.SourceLabel(source), args.AttemptNumber + 1, cause, args.RetryDelay.TotalSeconds);
                }

                return ValueTask.CompletedTask;
            },
        });
        pipeline.AddRateLimiter(state.LimiterFor(source));
        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.CircuitFailureRatio,
            MinimumThroughput = options.CircuitMinimumThroughput,
            SamplingDuration = options.CircuitSamplingDuration,
            BreakDuration = options.CircuitBreakDuration,
        });
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout });
    }

    /// <summary>The wait a 429 or 503 asks for (delta seconds or an HTTP date); null when it names none.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        if (response is null || response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
        {
            return null;
        }

        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
