namespace NbaPredict.Core.Features.Ingestion;

/// <summary>Where box scores come from when they are not a bundled CSV file.</summary>
public enum IngestionSource
{
    NbaStats,
    Espn,
}

/// <summary>Configuration section <c>Ingestion</c>: one block per source (environment: <c>Ingestion__NbaStats__BaseUrl</c>).</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    public SourceOptions NbaStats { get; set; } = new() { BaseUrl = "https://stats.nba.com/stats/", RequestsPerSecond = 0.5 };

    public SourceOptions Espn { get; set; } = new() { BaseUrl = "https://site.api.espn.com/apis/site/v2/sports/basketball/nba/", RequestsPerSecond = 2 };

    /// <summary>The NBA Stats <c>SeasonType</c> asked for; the bundled data and the models cover the regular season.</summary>
    public string SeasonType { get; set; } = "Regular Season";

    /// <summary>Keep raw responses of finished days under <c>NBAPREDICT_DATA_DIR/raw</c> so a re-run does not refetch.</summary>
    public bool CacheRawResponses { get; set; } = true;

    public SourceOptions For(IngestionSource source) => source == IngestionSource.NbaStats ? NbaStats : Espn;

    /// <summary>The first setting that cannot work, named by its configuration key; null when all can.</summary>
    public string? FirstProblem()
    {
        foreach (var (name, source) in new[] { ("NbaStats", NbaStats), ("Espn", Espn) })
        {
            var key = $"{Section}:{name}:";
            if (!Uri.TryCreate(source.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return $"{key}BaseUrl '{source.BaseUrl}' is not an absolute http(s) URL";
            }

            if (!(source.RequestsPerSecond > 0))
            {
                return $"{key}RequestsPerSecond must be positive";
            }

            if (source.MaxRetries is < 1 or > 20)
            {
                return $"{key}MaxRetries must be between 1 and 20";
            }

            if (source.AttemptTimeout < TimeSpan.FromMilliseconds(10) || source.TotalTimeout < source.AttemptTimeout)
            {
                return $"{key}AttemptTimeout must be at least 10 ms and TotalTimeout at least AttemptTimeout";
            }

            if (source.CircuitMinimumThroughput < 2 || source.CircuitFailureRatio is <= 0 or > 1 ||
                source.CircuitSamplingDuration < TimeSpan.FromMilliseconds(500) || source.CircuitBreakDuration < TimeSpan.FromMilliseconds(500))
            {
                return $"{key}Circuit* needs MinimumThroughput ≥ 2, 0 < FailureRatio ≤ 1 and durations of at least 0.5 s";
            }
        }

        return null;
    }
}

/// <summary>
/// One upstream API: its base URL and the resilience pipeline around every request (defaults suit the public
/// APIs, which throttle hard; tests shrink every delay).
/// </summary>
public sealed class SourceOptions
{
    public string BaseUrl { get; set; } = "";

    /// <summary>Steady request rate; requests beyond it wait in line rather than fail.</summary>
    public double RequestsPerSecond { get; set; } = 1;

    public int MaxRetries { get; set; } = 4;

    /// <summary>First backoff delay; it doubles per retry, with jitter, unless the server sent <c>Retry-After</c>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest <c>Retry-After</c> honoured; a server asking for more gets no retry and the run fails.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    public double CircuitFailureRatio { get; set; } = 0.5;

    public int CircuitMinimumThroughput { get; set; } = 6;

    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromMinutes(1);
}
