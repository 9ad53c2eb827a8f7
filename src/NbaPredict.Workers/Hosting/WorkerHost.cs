using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using NbaPredict.Core.Data;
using NbaPredict.Core.Features.Jobs;

namespace NbaPredict.Workers.Hosting;

/// <summary>
/// The worker process of <c>serve</c>: the scheduled jobs on Quartz (clustered on PostgreSQL), with its own
/// <c>/health/live</c> and <c>/health/ready</c> (database reachable and scheduler running).
/// </summary>
public static class WorkerHost
{
    public const string UrlsVariable = "NBAPREDICT_WORKER_URLS";
    public const string DefaultUrls = "http://localhost:5081";

    public static WebApplication Build(string? urls, IConfiguration? configurationOverride = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        if (configurationOverride is not null)
        {
            builder.Configuration.AddConfiguration(configurationOverride);
        }

        // This process exists to run the jobs, whatever the shared configuration says for the API.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"{JobOptions.Section}:{nameof(JobOptions.Enabled)}"] = "true" });
        var configuredUrls = builder.Configuration[UrlsVariable];
        builder.WebHost.UseUrls(urls ?? (string.IsNullOrWhiteSpace(configuredUrls) ? DefaultUrls : configuredUrls));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddNbaStorage();
        builder.Services.AddNbaJobs(builder.Configuration);
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: ["ready"])
            .AddCheck<SchedulerCheck>("scheduler", tags: ["ready"]);

        var app = builder.Build();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteAsync });
        return app;
    }

    /// <summary>Applies migrations before the scheduler starts, so no job meets a missing table.</summary>
    public static async Task InitializeAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(cancellationToken);
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), detail = e.Value.Description }),
        }));
    }

    private sealed class DatabaseCheck(IDbContextFactory<NbaDbContext> contexts) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var db = contexts.CreateDbContext();
                return await db.Database.CanConnectAsync(cancellationToken) ? HealthCheckResult.Healthy(db.Provider.ToString()) : HealthCheckResult.Unhealthy("the database does not answer");
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("the database does not answer");
            }
        }
    }

    private sealed class SchedulerCheck(JobSchedulerStatus status) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(status.Running ? HealthCheckResult.Healthy(status.Message) : HealthCheckResult.Unhealthy(status.Message));
    }
}
