using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NbaPredict.Core.Telemetry;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NbaPredict.Workers.Cli;

/// <summary>
/// When <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, the workers send their traces (database, HTTP, inference) and the
/// NbaPredict meter (job durations, drift scores, prediction latency) by OTLP; a command line has no /metrics to scrape.
/// </summary>
internal static class WorkerTelemetry
{
    public static HostApplicationBuilder AddNbaWorkerTelemetry(this HostApplicationBuilder builder)
    {
        var endpoint = builder.Configuration[NbaTelemetry.OtlpEndpointVariable];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return builder;
        }

        var otlp = new Uri(endpoint);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "nbapredict-workers"))
            .WithTracing(t => t
                .AddSource(NbaTelemetry.InferenceSourceName)
                .AddEntityFrameworkCoreInstrumentation(o => o.Filter = (provider, _) => provider != "Npgsql.EntityFrameworkCore.PostgreSQL")
                .AddNpgsql()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(o => o.Endpoint = otlp))
            .WithMetrics(m => m
                .AddMeter(NbaTelemetry.MeterName)
                .AddOtlpExporter(o => o.Endpoint = otlp));
        return builder;
    }

    /// <summary>Creates the providers: one-shot commands never start the host, whose hosted service would do it.</summary>
    public static void StartNbaWorkerTelemetry(this IServiceProvider services)
    {
        services.GetService<TracerProvider>();
        services.GetService<MeterProvider>();
    }
}
