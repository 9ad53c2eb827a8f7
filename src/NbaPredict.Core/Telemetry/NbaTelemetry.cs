using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using NbaPredict.Core.Features.Drift;

namespace NbaPredict.Core.Telemetry;

/// <summary>
/// The names and instruments of NbaPredict's own telemetry. Plain System.Diagnostics, so Core (and anything calling
/// it, workers included) records without depending on OpenTelemetry; the hosts decide what to export.
/// </summary>
public static class NbaTelemetry
{
    public const string MeterName = "NbaPredict";
    public const string GraphQLSourceName = "NbaPredict.GraphQL";
    public const string InferenceSourceName = "NbaPredict.Inference";

    /// <summary>The standard OpenTelemetry variable; when set, the hosts export traces and metrics by OTLP to it.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>Bucket boundaries in seconds for request-scale durations (the SDK's defaults assume milliseconds).</summary>
    public static readonly InstrumentAdvice<double> RequestSeconds = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    };

    /// <summary>Bucket boundaries in seconds for background jobs, from seconds to hours.</summary>
    public static readonly InstrumentAdvice<double> JobSeconds = new()
    {
        HistogramBucketBoundaries = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
    };

    public static readonly ActivitySource Inference = new(InferenceSourceName);

    public static readonly Histogram<double> PredictionDuration = Meter.CreateHistogram<double>(
        "nbapredict.prediction.duration", "s", "Time the model takes to predict a batch (kind=slate) or one what-if line (kind=whatif).", advice: RequestSeconds);

    public static readonly Counter<long> PredictionsMade = Meter.CreateCounter<long>(
        "nbapredict.predictions", "{prediction}", "Player-game predictions made by the model.");

    public static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>(
        "nbapredict.job.duration", "s", "Duration of background jobs (import, training, drift), tagged with the job and its outcome.", advice: JobSeconds);

    private static readonly ConcurrentDictionary<(string Kind, string Name), double> LatestDrift = new();

    static NbaTelemetry()
    {
        Meter.CreateObservableGauge("nbapredict.drift.score", ObserveDrift, null,
            "Latest drift report: psi per feature (kind=feature_psi), psi and error ratio per stat (kind=prediction_psi, error_ratio).");
    }

    /// <summary>Times a job; dispose the result when it ends (<see cref="JobTimer.Succeeded"/> marks success).</summary>
    public static JobTimer TimeJob(string job) => new(job, Stopwatch.GetTimestamp());

    /// <summary>Keeps the scores of the newest drift report for the <c>nbapredict.drift.score</c> gauge.</summary>
    public static void RecordDrift(DriftReportView report)
    {
        LatestDrift.Clear();
        LatestDrift[("max_feature_psi", "all")] = report.MaxFeaturePsi;
        foreach (var feature in report.Features)
        {
            LatestDrift[("feature_psi", feature.Feature)] = feature.Psi;
        }

        foreach (var stat in report.Stats)
        {
            LatestDrift[("prediction_psi", stat.Stat)] = stat.PredictionPsi;
            LatestDrift[("error_ratio", stat.Stat)] = stat.ErrorRatio;
        }
    }

    private static IEnumerable<Measurement<double>> ObserveDrift() =>
        LatestDrift.Select(d => new Measurement<double>(d.Value, new KeyValuePair<string, object?>("kind", d.Key.Kind), new KeyValuePair<string, object?>("name", d.Key.Name)));
}

/// <summary>Records a job's duration on dispose, with <c>outcome</c> failed unless <see cref="Succeeded"/> was called.</summary>
public sealed class JobTimer(string job, long started) : IDisposable
{
    private bool succeeded;

    public void Succeeded() => succeeded = true;

    public void Dispose() =>
        NbaTelemetry.JobDuration.Record(
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("job", job),
            new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : "failed"));
}
