using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Jobs;
using NbaPredict.IntegrationTests.Infrastructure;
using NbaPredict.Workers.Hosting;

namespace NbaPredict.IntegrationTests.Jobs;

/// <summary>
/// The whole loop on the real scheduler: the drift job, fired by Quartz, finds drift past its threshold and starts
/// the retrain job, which records a champion/challenger decision naming the drift report that asked for it.
/// </summary>
public sealed class DriftRetrainSchedulingTests : IAsyncLifetime
{
    private TestDatabase database = null!;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync(Provider.Sqlite);

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task A_scheduled_drift_report_past_the_threshold_starts_retraining_through_the_scheduler()
    {
        await using (var app = new NbaApp(database))
        {
            await app.ImportTwoSeasonSlicesAsync(days: 10);
            await app.TrainTinyProductionModelAsync();
        }

        var settings = new Dictionary<string, string?>(database.Configuration)
        {
            ["Jobs:Enabled"] = "true",
            [$"Jobs:Schedules:{IngestYesterdayJob.Name}"] = "",
            [$"Jobs:Schedules:{RefreshPredictionsJob.Name}"] = "",
            [$"Jobs:Schedules:{ScoreResultsJob.Name}"] = "",
            [$"Jobs:Schedules:{DetectDriftJob.Name}"] = "0/5 * * * * ?",
            [$"Jobs:Schedules:{RetrainJob.Name}"] = "",
            ["Jobs:Drift:PsiThreshold"] = "0",
            ["Jobs:Drift:RecentDays"] = "5",
            ["Jobs:Retrain:WindowDays"] = "4",
            ["Jobs:Retrain:Margin"] = "10",
        };
        await using var host = WorkerHost.Build("http://127.0.0.1:0", new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await WorkerHost.InitializeAsync(host);
        await host.StartAsync();
        var contexts = host.Services.GetRequiredService<IDbContextFactory<NbaDbContext>>();

        var deadline = DateTime.UtcNow.AddMinutes(4);
        RetrainingDecision? decision = null;
        while (decision is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            await using var db = contexts.CreateDbContext();
            var failed = await db.JobRuns.Where(r => r.Status == JobRunStatus.Failed).Select(r => r.JobName + ": " + r.Summary).FirstOrDefaultAsync();
            Assert.True(failed is null, failed);
            decision = await db.RetrainingDecisions.FirstOrDefaultAsync();
        }

        await host.StopAsync();
        Assert.NotNull(decision);
        Assert.StartsWith("drift #", decision.Trigger, StringComparison.Ordinal);
        await using (var db = contexts.CreateDbContext())
        {
            var reportId = long.Parse(decision.Trigger["drift #".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(await db.DriftReports.AnyAsync(r => r.Id == reportId && r.Drifted), $"drift report {reportId} is not a stored drifted report");
            Assert.True(await db.JobRuns.AnyAsync(r => r.JobName == RetrainJob.Name && r.Status == JobRunStatus.Succeeded));
        }
    }
}
