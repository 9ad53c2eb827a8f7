using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Data;
using NbaPredict.Core.Events;
using NbaPredict.Core.Features.Jobs;
using NbaPredict.Core.Features.Replay;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests.Jobs;

/// <summary>
/// Two weeks of 2023-24 replayed after a small imported slice: each day is predicted before its results are
/// ingested, a predictionUpdated subscriber sees the predictions live, and scores and drift reports are stored.
/// Replaying the same days again duplicates nothing.
/// </summary>
public sealed class ReplayTests : IAsyncLifetime
{
    private const int ImportedDays = 10;
    private const int ReplayedDays = 14;

    private TestDatabase database = null!;
    private NbaApp app = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Provider.Sqlite);
        app = new NbaApp(database);
        await app.ImportTwoSeasonSlicesAsync(days: ImportedDays);
        await app.TrainTinyProductionModelAsync();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Replaying_two_weeks_publishes_predictions_before_results_then_scores_and_measures_drift_without_duplicates()
    {
        var contexts = app.Services.GetRequiredService<IDbContextFactory<NbaDbContext>>();
        DateOnly from;
        await using (var db = contexts.CreateDbContext())
        {
            from = (await db.PlayerGames.MaxAsync(pg => pg.GameDate)).AddDays(1);
        }

        var to = from.AddDays(ReplayedDays - 1);
        using var socket = await GraphQLWebSocket.ConnectAsync(app);
        await socket.SubscribeAsync("live", "subscription { predictionUpdated { game { nbaGameId date } player { nbaId } modelVersion } }");
        await GraphQLWebSocket.WaitForSubscriberAsync(app, Topics.Predictions);

        // The subscriber receives the first game day's predictions as they are published.
        string? liveDate = null;
        var firstRun = await ReplayAsync(from, async day =>
        {
            if (liveDate is null && day.Games > 0)
            {
                var next = await socket.ReceiveAsync();
                Assert.Equal("next", (string)next["type"]!);
                liveDate = (string)next["payload"]!["data"]!["predictionUpdated"]!["game"]!["date"]!;
                Assert.Equal(day.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), liveDate);
            }
        });
        var first = await CountAsync(contexts, from, to);
        Assert.NotNull(liveDate);

        // Each day was predicted before its results were imported.
        await using (var db = contexts.CreateDbContext())
        {
            var imported = (await db.ImportedFiles.ToListAsync()).ToDictionary(f => f.FileName, f => f.ImportedAt, StringComparer.Ordinal);
            var predicted = (await db.Predictions.Where(p => p.GameDate >= from && p.GameDate <= to).Select(p => new { p.GameDate, p.CreatedAt }).ToListAsync())
                .GroupBy(p => p.GameDate).ToDictionary(g => g.Key, g => g.Max(p => p.CreatedAt));
            Assert.All(firstRun.Where(d => d.Games > 0), d =>
                Assert.True(predicted[d.Day] < imported[BundledCsvDayIngestor.DayFileName(d.Day)], $"{d.Day}: predicted after its results arrived"));
        }

        Assert.True(firstRun.Count(d => d.Games > 0) >= 10, "two weeks of the season have game days");
        Assert.All(firstRun.Where(d => d.Games > 0), d =>
        {
            Assert.True(d.Predictions > 0, $"{d.Day}: predictions are published before the results");
            Assert.True(d.Ingested.Inserted > 0, $"{d.Day}: the results were not there before the replay ingested them");
            Assert.True(d.Scores > 0, $"{d.Day}: predictions are scored once the results are in");
        });
        Assert.True(first.PlayerGames > 1_000);
        Assert.True(first.Predictions > 1_000);
        Assert.True(first.Scores >= 8 * 10, "eight stats a scored day");
        Assert.True(first.DriftReports >= 10, "drift is measured as of each replayed day");

        // Rolling figures are the exact combination of the daily ones over the window.
        await using (var db = contexts.CreateDbContext())
        {
            var last = await db.ModelScores.Where(s => s.Stat == "PTS").OrderByDescending(s => s.GameDate).FirstAsync();
            var window = await db.ModelScores.Where(s => s.Stat == "PTS" && s.ModelVersion == last.ModelVersion && s.GameDate > last.GameDate.AddDays(-last.RollingDays) && s.GameDate <= last.GameDate).ToListAsync();
            Assert.Equal(window.Sum(s => s.Rows), last.RollingRows);
            Assert.Equal(window.Sum(s => s.Mae * s.Rows) / window.Sum(s => s.Rows), last.RollingMae, 2);
            Assert.InRange(last.RollingCoverage80, 0.5, 1.0);

            var served = NbaApp.Data(await app.QueryAsync("query($v: String!) { modelScores(modelVersion: $v) { stat date rollingRows rollingMae } }", new { v = last.ModelVersion }))["modelScores"]!.AsArray();
            Assert.Equal(8, served.Count);
            var pts = served.Single(s => (string)s!["stat"]! == "PTS")!;
            Assert.Equal(last.RollingRows, (int)pts["rollingRows"]!);
            Assert.Equal(last.GameDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), (string)pts["date"]!);
        }

        var secondRun = await ReplayAsync(from);
        var second = await CountAsync(contexts, from, to);
        Assert.All(secondRun.Where(d => d.Games > 0), d => Assert.Equal(0, d.Ingested.Inserted));
        Assert.Equal(first.PlayerGames, second.PlayerGames);
        Assert.Equal(first.Scores, second.Scores);
        Assert.Equal(first.DriftReports, second.DriftReports);
        Assert.Equal(second.DistinctPredictions, second.Predictions);
        Assert.Equal(first.Games, second.Games);
    }

    private async Task<List<ReplayDay>> ReplayAsync(DateOnly from, Func<ReplayDay, Task>? afterDay = null)
    {
        var days = new List<ReplayDay>();
        for (var i = 0; i < ReplayedDays; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            days.Add(await scope.ServiceProvider.GetRequiredService<ReplayService>().ReplayDayAsync(from.AddDays(i)));
            if (afterDay is not null)
            {
                await afterDay(days[^1]);
            }
        }

        return days;
    }

    private static async Task<(int PlayerGames, int Predictions, int DistinctPredictions, int Scores, int DriftReports, int Games)> CountAsync(IDbContextFactory<NbaDbContext> contexts, DateOnly from, DateOnly to)
    {
        await using var db = contexts.CreateDbContext();
        var predictions = db.Predictions.Where(p => p.GameDate >= from && p.GameDate <= to);
        return (
            await db.PlayerGames.CountAsync(pg => pg.GameDate >= from && pg.GameDate <= to),
            await predictions.CountAsync(),
            await predictions.Select(p => new { p.GameId, p.PlayerId, p.ModelVersion }).Distinct().CountAsync(),
            await db.ModelScores.CountAsync(s => s.GameDate >= from && s.GameDate <= to),
            await db.DriftReports.CountAsync(r => r.RecentTo >= from && r.RecentTo <= to),
            await db.Games.CountAsync(g => g.Date >= from && g.Date <= to));
    }
}
