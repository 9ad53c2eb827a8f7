using Microsoft.AspNetCore.Builder;
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
/// Two worker hosts (what <c>serve</c> runs) on one PostgreSQL database share one clustered Quartz schedule:
/// a job that fires every second runs once per firing, never on both.
/// </summary>
public sealed class ClusteredSchedulerTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private TestDatabase database = null!;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync(Provider.Postgres);

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task Two_worker_hosts_on_one_database_run_each_firing_once()
    {
        var schedules = new Dictionary<string, string?>(database.Configuration)
        {
            [$"Jobs:Schedules:{IngestYesterdayJob.Name}"] = "* * * * * ?",
            [$"Jobs:Schedules:{RefreshPredictionsJob.Name}"] = "",
            [$"Jobs:Schedules:{ScoreResultsJob.Name}"] = "",
            [$"Jobs:Schedules:{DetectDriftJob.Name}"] = "",
            [$"Jobs:Schedules:{RetrainJob.Name}"] = "",
            // Quartz declares a node dead when its check-in is late by the interval plus 7.5 s; at 2 s a CPU-starved
            // CI machine once made the other node take over a live node's firing (a double run, as designed for a
            // crash). The nodes here stop cleanly, so failover does not depend on this interval.
            ["Jobs:ClusterCheckinInterval"] = "00:00:05",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(schedules).Build();
        await using var first = WorkerHost.Build("http://127.0.0.1:0", configuration);
        await using var second = WorkerHost.Build("http://127.0.0.1:0", configuration);
        await WorkerHost.InitializeAsync(first);
        await Task.WhenAll(first.StartAsync(), second.StartAsync());
        Assert.True(first.Services.GetRequiredService<JobSchedulerStatus>().Running);
        Assert.True(second.Services.GetRequiredService<JobSchedulerStatus>().Running);
        using (var http = new HttpClient { BaseAddress = new Uri(first.Urls.First()) })
        {
            using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            var body = await ready.Content.ReadAsStringAsync();
            Assert.True(ready.IsSuccessStatusCode, body);
            Assert.Contains("\"scheduler\":{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
        }

        var contexts = first.Services.GetRequiredService<IDbContextFactory<NbaDbContext>>();
        await WaitForRunsAsync(contexts, 5);

        // The node that holds the schedule leaves; the other one carries on with the same triggers.
        var leaving = (await RunsAsync(contexts)).GroupBy(r => r.InstanceName).MaxBy(g => g.Count())!.Key;
        var (gone, staying) = first.Services.GetRequiredService<JobSchedulerStatus>().Message.EndsWith(leaving, StringComparison.Ordinal) ? (first, second) : (second, first);
        await gone.StopAsync();
        var before = (await RunsAsync(contexts)).Count;
        await WaitForRunsAsync(contexts, before + 4);
        await staying.StopAsync();

        var runs = await RunsAsync(contexts);
        Assert.True(runs.Count >= 9, $"the job fired {runs.Count} times");
        Assert.Equal(2, runs.Select(r => r.InstanceName).Distinct(StringComparer.Ordinal).Count());
        var doubled = runs.GroupBy(r => r.ScheduledFireTime).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(doubled.Count == 0, $"firings run on both nodes: {string.Join(", ", doubled)}");
        Assert.All(runs, r => Assert.NotEqual(JobRunStatus.Failed, r.Status));
        output.WriteLine($"{runs.Count} runs on {string.Join(", ", runs.GroupBy(r => r.InstanceName).Select(g => $"{g.Key}: {g.Count()}"))}");
    }

    private static async Task<List<JobRun>> RunsAsync(IDbContextFactory<NbaDbContext> contexts)
    {
        await using var db = contexts.CreateDbContext();
        return await db.JobRuns.Where(r => r.JobName == IngestYesterdayJob.Name).ToListAsync();
    }

    private static async Task WaitForRunsAsync(IDbContextFactory<NbaDbContext> contexts, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((await RunsAsync(contexts)).Count(r => r.Status == JobRunStatus.Succeeded) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} runs within 90 s");
            await Task.Delay(500);
        }
    }
}
