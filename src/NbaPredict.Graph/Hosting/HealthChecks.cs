using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NbaPredict.Core;
using NbaPredict.Core.Data;
using NbaPredict.Core.Events;
using NbaPredict.Core.Features.Predictions;

namespace NbaPredict.Graph.Hosting;

/// <summary>Readiness: the database answers, Redis answers when configured, and a production model is loaded.</summary>
public static class HealthChecks
{
    public static IServiceCollection AddNbaHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<RedisHealthCheck>("redis", tags: ["ready"])
            .AddCheck<ModelHealthCheck>("model", tags: ["ready"]);
        return services;
    }

    public static void MapNbaHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteAsync });
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var import = context.RequestServices.GetRequiredService<ImportStatus>();
        var model = context.RequestServices.GetRequiredService<ModelBootstrapStatus>();
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), detail = e.Value.Description }),
            import = import.State.ToString(),
            importDetail = import.Message,
            model = model.Message,
        }));
    }

    private sealed class DatabaseHealthCheck(IDbContextFactory<NbaDbContext> contexts) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var db = contexts.CreateDbContext();
                return await db.Database.CanConnectAsync(cancellationToken)
                    ? HealthCheckResult.Healthy(db.Provider.ToString())
                    : HealthCheckResult.Unhealthy("the database does not answer");
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("the database does not answer");
            }
        }
    }

    private sealed class RedisHealthCheck(NbaPredictSettings settings, IEventBus bus) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (settings.RedisConnectionString is null)
            {
                return HealthCheckResult.Healthy("not configured (in-process events)");
            }

            if (bus is not RedisEventBus redis)
            {
                return HealthCheckResult.Unhealthy("Redis is configured but the event bus is in-process");
            }

            try
            {
                var latency = await redis.PingAsync();
                return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:F1} ms");
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException)
            {
                return HealthCheckResult.Unhealthy("Redis does not answer");
            }
        }
    }

    private sealed class ModelHealthCheck(ProductionModel production) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(production.Current is { } model
                ? HealthCheckResult.Healthy($"serving {model.Version.Version}")
                : HealthCheckResult.Unhealthy("no production model loaded yet"));
    }
}
