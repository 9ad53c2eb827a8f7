using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace NbaPredict.Core.Features.Ingestion;

/// <summary>
/// One GET through the client's resilience pipeline, with the raw cache in front: a cached body is returned
/// without a request; a fresh body is cached only after <paramref name="accept"/> accepted its structure and
/// only when <paramref name="final"/> says the data can no longer change.
/// </summary>
internal static class ApiFetcher
{
    public static async Task<T> GetAsync<T>(
        HttpClient http, RawResponseCache cache, string source, string cacheKey, string relativeUrl, string what,
        Func<string, T> accept, Func<T, bool> final, CancellationToken cancellationToken)
    {
        if (await cache.TryReadAsync(source, cacheKey, cancellationToken) is { } cached)
        {
            return accept(cached);
        }

        var body = await FetchAsync(http, source, relativeUrl, what, cancellationToken);
        var parsed = accept(body);
        if (final(parsed))
        {
            await cache.WriteAsync(source, cacheKey, body, cancellationToken);
        }

        return parsed;
    }

    private static async Task<string> FetchAsync(HttpClient http, string source, string relativeUrl, string what, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(relativeUrl, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var retryAfter = IngestionResilience.RetryAfter(response) is { } wait ? $" (Retry-After {wait.TotalSeconds:F0} s)" : "";
                throw new IngestionException($"{source}: {what} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}{retryAfter}");
            }

            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            throw new IngestionException($"{source}: circuit open after repeated failures, {what} not sent; it closes again after the configured break", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new IngestionException($"{source}: {what} timed out after {ex.Timeout.TotalSeconds:0.###} s", ex);
        }
        catch (RateLimiterRejectedException ex)
        {
            throw new IngestionException($"{source}: {what} refused by the local rate limiter (queue full)", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new IngestionException($"{source}: {what} failed: {ex.Message}", ex);
        }
    }
}
