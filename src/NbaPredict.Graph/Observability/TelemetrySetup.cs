using System.Diagnostics.Metrics;
using GraphQL.DI;
using Microsoft.Extensions.Logging.Console;
using NbaPredict.Core.Events;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Core.Telemetry;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NbaPredict.Graph.Observability;

/// <summary>
/// OpenTelemetry for the API: traces of ASP.NET Core, HttpClient, EF Core, Npgsql, Redis, GraphQL operations and
/// model inference; the NbaPredict meter at <c>/metrics</c> (Prometheus) and by OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; JSON console logs carrying trace and span ids.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    private const string PostgresProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public static WebApplicationBuilder AddNbaTelemetry(this WebApplicationBuilder builder)
    {
        // JSON lines for log collectors everywhere, unless Logging:Console:FormatterName asks for "simple": the
        // launch profile of `dotnet run` does, because a person reads that console.
        if (string.Equals(builder.Configuration["Logging:Console:FormatterName"], ConsoleFormatterNames.Simple, StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }
        else
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        builder.Services.AddSingleton<IConfigureExecution, GraphQLTelemetry>();
        builder.Services.AddSingleton<IConfigureSchema, RootFieldSpans>();
        builder.Services.AddSingleton<ProductionModelGauge>();

        var otlpEndpoint = builder.Configuration[NbaTelemetry.OtlpEndpointVariable];
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? "nbapredict-graph",
                serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithTracing(t =>
            {
                t.AddSource(NbaTelemetry.GraphQLSourceName, NbaTelemetry.InferenceSourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments(MetricsPath) && !c.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation()
                    // On PostgreSQL, Npgsql's own spans (richer: connection, rows) stand for each command; EF Core's
                    // would duplicate them, so EF Core traces only SQLite.
                    .AddEntityFrameworkCoreInstrumentation(o => o.Filter = (provider, _) => provider != PostgresProvider)
                    .AddNpgsql()
                    .AddRedisInstrumentation()
                    .ConfigureRedisInstrumentation((services, redis) =>
                    {
                        // The event bus owns the Redis connection; its commands (publishes, pings) join the traces.
                        if (services.GetRequiredService<IEventBus>() is RedisEventBus bus)
                        {
                            _ = bus.GetConnectionAsync().ContinueWith(
                                c => redis.AddConnection(c.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                        }
                    });
                if (!string.IsNullOrWhiteSpace(otlpEndpoint))
                {
                    t.AddOtlpExporter(o => o.Endpoint = new Uri(otlpEndpoint));
                }
            })
            .WithMetrics(m =>
            {
                m.AddMeter(NbaTelemetry.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddPrometheusExporter();
                if (!string.IsNullOrWhiteSpace(otlpEndpoint))
                {
                    m.AddOtlpExporter(o => o.Endpoint = new Uri(otlpEndpoint));
                }
            });
        return builder;
    }

    public static WebApplication MapNbaTelemetry(this WebApplication app)
    {
        app.Services.GetRequiredService<ProductionModelGauge>();
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }
}

/// <summary>
/// <c>nbapredict.model.production</c>: 1 tagged with the version this instance serves (nothing before a model is
/// loaded), so dashboards can show which version each replica runs and when it changed.
/// </summary>
internal sealed class ProductionModelGauge
{
    public ProductionModelGauge(IMeterFactory meters, ProductionModel production)
    {
        var meter = meters.Create(NbaTelemetry.MeterName);
        meter.CreateObservableGauge(
            "nbapredict.model.production",
            () => production.Current is { } model
                ? [new Measurement<int>(1, new KeyValuePair<string, object?>("version", model.Version.Version))]
                : Array.Empty<Measurement<int>>(),
            null,
            "The production model version this instance serves (value 1, version in the tag).");
    }
}
