using Microsoft.Extensions.Configuration;
using NbaPredict.Core.Features.Ingestion;

namespace NbaPredict.Core.Features.Jobs;

/// <summary>
/// The feedback loop's settings, bound from the <c>Jobs</c> configuration section (environment variables
/// <c>Jobs__Enabled</c>, <c>Jobs__Schedules__RetrainJob</c>, <c>Jobs__Retrain__Margin</c>, …).
/// </summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>Run the scheduled jobs in this process (the API runs them too unless this is false).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The time zone "today" and "yesterday" and the cron schedules are read in: NBA game dates are US Eastern.</summary>
    public string TimeZone { get; set; } = "America/New_York";

    /// <summary>Quartz cron expressions (with seconds) per job name; a blank one leaves the job unscheduled.</summary>
    public Dictionary<string, string> Schedules { get; set; } = new(StringComparer.Ordinal)
    {
        [IngestYesterdayJob.Name] = "0 0 9 * * ?",
        [ScoreResultsJob.Name] = "0 30 9 * * ?",
        [RefreshPredictionsJob.Name] = "0 0 10,16 * * ?",
        // Injury reports firm up during the afternoon; the last pass is shortly before the usual 19:00 tip-offs.
        [IngestInjuryReportsJob.Name] = "0 30 12,17,18 * * ?",
        [DetectDriftJob.Name] = "0 0 11 * * ?",
        [RetrainJob.Name] = "0 0 4 ? * MON",
    };

    public DriftJobOptions Drift { get; set; } = new();

    public RetrainJobOptions Retrain { get; set; } = new();

    /// <summary>Days of daily scores the rolling MAE and coverage cover.</summary>
    public int ScoreRollingDays { get; set; } = 14;

    public const string BundledSource = "bundled";

    /// <summary>
    /// Where the jobs and the replay get games and results: <c>bundled</c> (the default, offline: the bundled CSV
    /// files), <c>nba-stats</c> or <c>espn</c> (the API clients, configured under <c>Ingestion</c>).
    /// </summary>
    public string Source { get; set; } = BundledSource;

    /// <summary>The API behind <see cref="Source"/>; null for the bundled files. Throws naming the key when the value is none of them.</summary>
    public IngestionSource? ResolveSource()
    {
        var text = Source.Trim();
        if (text.Length == 0 || string.Equals(text, BundledSource, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var source in Enum.GetValues<IngestionSource>())
        {
            if (string.Equals(text, IngestionService.SourceLabel(source), StringComparison.OrdinalIgnoreCase))
            {
                return source;
            }
        }

        throw new InvalidOperationException(
            $"{Section}:{nameof(Source)} '{Source}' is not a day source; use {BundledSource}, {IngestionService.SourceLabel(IngestionSource.NbaStats)} or {IngestionService.SourceLabel(IngestionSource.Espn)}");
    }

    /// <summary>Where the bundled-CSV day source reads <c>player_games_*.csv(.gz)</c>; default: the bundled data folder.</summary>
    public string? IngestDataDirectory { get; set; }

    /// <summary>How often a clustered node checks in; another node takes over its work after missing it.</summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);

    public static JobOptions From(IConfiguration configuration)
    {
        var options = new JobOptions();
        configuration.GetSection(Section).Bind(options);
        return options;
    }

    public TimeZoneInfo ResolveTimeZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }

    /// <summary>The local calendar day of <paramref name="instant"/> in the configured time zone.</summary>
    public DateOnly LocalDay(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, ResolveTimeZone()).DateTime);
}

public sealed class DriftJobOptions
{
    public int RecentDays { get; set; } = 30;
    public double PsiThreshold { get; set; } = Drift.DriftService.DefaultPsiThreshold;
    public double ErrorRatioThreshold { get; set; } = Drift.DriftService.DefaultErrorRatioThreshold;

    /// <summary>A report past a threshold starts <see cref="RetrainJob"/>.</summary>
    public bool RetrainOnDrift { get; set; } = true;
}

public sealed class RetrainJobOptions
{
    /// <summary>The recent window champion and challenger are compared on, in days; the candidate is trained before it.</summary>
    public int WindowDays { get; set; } = 14;

    /// <summary>The candidate is promoted only when its mean relative MAE improvement is at least this (0.01 = 1%).</summary>
    public double Margin { get; set; } = 0.01;

    /// <summary>Train the quick configuration (minutes on 2 cores) rather than the full one.</summary>
    public bool Quick { get; set; } = true;
}
