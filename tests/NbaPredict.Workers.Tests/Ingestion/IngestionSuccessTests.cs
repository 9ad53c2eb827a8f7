using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Caching;
using NbaPredict.Core.Import;
using NbaPredict.Core.Features.Ingestion;
using WireMock.RequestBuilders;

namespace NbaPredict.Workers.Tests.Ingestion;

/// <summary>Both sources end to end on both databases: one real game day in, and again without any change.</summary>
public sealed class IngestionSuccessTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Nba_stats_day_is_upserted_once_cached_and_reingested_without_change(string provider)
    {
        await using var harness = await IngestionHarness.StartAsync(provider);
        var version = harness.Services.GetRequiredService<DataVersion>();

        var first = await harness.IngestAsync();
        var afterFirst = await harness.CountsAsync();
        var versionAfterFirst = version.Current;

        Assert.Equal(FileImportStatus.Imported, first.Import!.Status);
        Assert.Equal(2, first.Games);
        Assert.Equal((44, 0, 0), (first.Import.Counts.Inserted, first.Import.Counts.Updated, first.Import.Errors.Count));
        Assert.Equal((44, 2, 44), afterFirst);
        Assert.Equal(1, versionAfterFirst);
        var scores = await harness.QueryAsync(db => db.Games.OrderBy(g => g.Id).Select(g => new { g.Id, g.HomeScore, g.AwayScore, g.SeasonId, g.SeasonType }).ToListAsync());
        Assert.Equal("0022300061", scores[0].Id);
        Assert.Equal((119, 107), (scores[0].HomeScore, scores[0].AwayScore));
        Assert.Equal((104, 108), (scores[1].HomeScore, scores[1].AwayScore));
        Assert.All(scores, g => Assert.Equal(("2023-24", "Regular Season"), (g.SeasonId, g.SeasonType)));
        var jokic = await harness.QueryAsync(db => db.PlayerGames.SingleAsync(p => p.PlayerId == 203999));
        Assert.Equal((36, 29, 13, 11, true, 15), (jokic.Minutes, jokic.Pts, jokic.Reb, jokic.Ast, jokic.Home, jokic.PlusMinus));

        // The request carried what stats.nba.com requires.
        var request = harness.Server.LogEntries.First(e => e.RequestMessage.Path == IngestionHarness.NbaStatsPath).RequestMessage;
        Assert.Equal("https://www.nba.com/", request.Headers!["Referer"].Single());
        Assert.Equal("stats", request.Headers["x-nba-stats-origin"].Single());
        Assert.Equal("true", request.Headers["x-nba-stats-token"].Single());
        Assert.Equal("https://www.nba.com", request.Headers["Origin"].Single());
        Assert.Equal("application/json, text/plain, */*", request.Headers["Accept"].Single());
        Assert.Contains("gzip", request.Headers["Accept-Encoding"].Single(), StringComparison.Ordinal);
        Assert.Contains("Mozilla/5.0", request.Headers["User-Agent"].Single(), StringComparison.Ordinal);
        Assert.Equal("10/24/2023", request.Query!["DateFrom"].Single());
        Assert.Equal("2023-24", request.Query["Season"].Single());
        Assert.Equal((1, 1), (harness.Requests("leaguegamelog", "P"), harness.Requests("leaguegamelog", "T")));

        // Second run: the raw cache answers, nothing is fetched, nothing changes.
        var second = await harness.IngestAsync();
        Assert.Equal(2, harness.Requests("leaguegamelog"));
        Assert.True(File.Exists(Path.Combine(harness.DataDirectory, "raw", "nba-stats", "leaguegamelog-P-2023-10-24.json")));
        Assert.Equal((0, 0, 44), (second.Import!.Counts.Inserted, second.Import.Counts.Updated, second.Import.Counts.Unchanged));

        // Third run without the cache: fetched again, still nothing changes.
        Directory.Delete(Path.Combine(harness.DataDirectory, "raw"), recursive: true);
        var third = await harness.IngestAsync();
        Assert.Equal(4, harness.Requests("leaguegamelog"));
        Assert.Equal((0, 0, 44), (third.Import!.Counts.Inserted, third.Import.Counts.Updated, third.Import.Counts.Unchanged));
        Assert.Equal(afterFirst, await harness.CountsAsync());
        Assert.Equal(versionAfterFirst, version.Current);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Espn_day_maps_onto_the_same_rows_and_a_stat_correction_updates_one_row(string provider)
    {
        await using var harness = await IngestionHarness.StartAsync(provider);
        await harness.IngestAsync(IngestionSource.NbaStats);

        // ESPN names lack diacritics ("Nikola Jokic"), writes GS for GSW and lists DNPs: the same 44 rows result.
        var agree = await harness.IngestAsync(IngestionSource.Espn);
        Assert.Equal(FileImportStatus.Imported, agree.Import!.Status);
        Assert.Empty(agree.Import.Errors);
        Assert.Equal((0, 0, 44), (agree.Import.Counts.Inserted, agree.Import.Counts.Updated, agree.Import.Counts.Unchanged));
        Assert.Equal(3, harness.Requests("scoreboard") + harness.Requests("summary"));

        // A later stat correction (Curry credited with a second assist) reaches the database through ESPN.
        Directory.Delete(Path.Combine(harness.DataDirectory, "raw", "espn"), recursive: true);
        var corrected = IngestionHarness.Fixture("espn-summary-401585602.json")
            .Replace("\"31\",\"8-20\",\"4-14\",\"7-7\",\"1\",\"4\",\"5\",\"1\"", "\"31\",\"8-20\",\"4-14\",\"7-7\",\"1\",\"4\",\"5\",\"2\"", StringComparison.Ordinal);
        Assert.NotEqual(IngestionHarness.Fixture("espn-summary-401585602.json"), corrected);
        harness.Sequence(Request.Create().WithPath(IngestionHarness.EspnPath + "summary").WithParam("event", "401585602"), IngestionHarness.Json(corrected));

        var update = await harness.IngestAsync(IngestionSource.Espn);
        var again = await harness.IngestAsync(IngestionSource.Espn);

        Assert.Equal((0, 1, 43), (update.Import!.Counts.Inserted, update.Import.Counts.Updated, update.Import.Counts.Unchanged));
        Assert.Equal((0, 0, 44), (again.Import!.Counts.Inserted, again.Import.Counts.Updated, again.Import.Counts.Unchanged));
        Assert.Equal(2, await harness.QueryAsync(db => db.PlayerGames.Where(p => p.PlayerId == 201939).Select(p => p.Ast).SingleAsync()));
        Assert.Equal(6, harness.Requests("scoreboard") + harness.Requests("summary"));
        Assert.Equal((44, 2, 44), await harness.CountsAsync());
    }

    [Fact]
    public async Task A_day_that_is_not_over_in_US_Eastern_time_is_not_cached()
    {
        // 23:00 in New York on the game day: late results and stat corrections may still come, so every run refetches.
        await using var harness = await IngestionHarness.StartAsync(time: new FixedTime(new DateTimeOffset(2023, 10, 25, 3, 0, 0, TimeSpan.Zero)));

        await harness.IngestAsync();
        await harness.IngestAsync();

        Assert.Equal(4, harness.Requests("leaguegamelog"));
        Assert.False(Directory.Exists(Path.Combine(harness.DataDirectory, "raw", "nba-stats")));
    }

    [Fact]
    public async Task Espn_takes_only_finished_games_and_does_not_cache_a_scoreboard_still_in_play()
    {
        await using var harness = await IngestionHarness.StartAsync();
        await harness.IngestAsync(IngestionSource.NbaStats);
        var board = System.Text.Json.Nodes.JsonNode.Parse(IngestionHarness.Fixture("espn-scoreboard-20231024.json"))!;
        var live = board["events"]![1]!;
        live["status"]!["type"]!["completed"] = false;
        live["competitions"]![0]!["status"]!["type"]!["completed"] = false;
        harness.Sequence(Request.Create().WithPath(IngestionHarness.EspnPath + "scoreboard"), IngestionHarness.Json(board.ToJsonString()));

        var result = await harness.IngestAsync(IngestionSource.Espn);

        Assert.Equal(1, result.Games);
        Assert.Equal((0, 0, 24), (result.Import!.Counts.Inserted, result.Import.Counts.Updated, result.Import.Counts.Unchanged));
        Assert.Equal(0, harness.Server.LogEntries.Count(e => e.RequestMessage.Query?.TryGetValue("event", out var id) == true && id.Contains("401585602")));
        var raw = Path.Combine(harness.DataDirectory, "raw", "espn");
        Assert.False(File.Exists(Path.Combine(raw, "scoreboard-2023-10-24.json")));
        Assert.True(File.Exists(Path.Combine(raw, "summary-401585601.json")));
    }

    [Fact]
    public async Task Espn_never_invents_ids_for_games_it_cannot_match()
    {
        await using var harness = await IngestionHarness.StartAsync();

        var result = await harness.IngestAsync(IngestionSource.Espn);

        Assert.Equal(FileImportStatus.Rejected, result.Import!.Status);
        Assert.Contains("44 of 44 rows are invalid", result.Import.Reason, StringComparison.Ordinal);
        Assert.Contains(result.Import.Errors, e => e.Reason == "ESPN event 401585601 (LAL at DEN) matches no known NBA game on 2023-10-24");
        Assert.Equal((0, 0, 0), await harness.CountsAsync());
    }

    [Fact]
    public async Task A_day_without_games_writes_nothing()
    {
        await using var harness = await IngestionHarness.StartAsync();
        var empty = IngestionHarness.Fixture("nba-stats-leaguegamelog-P-2023-10-24.json");
        empty = empty[..(empty.IndexOf("\"rowSet\":[", StringComparison.Ordinal) + 10)] + "]}]}";
        harness.Sequence(Request.Create().WithPath(IngestionHarness.NbaStatsPath), IngestionHarness.Json(empty));

        var result = await harness.IngestAsync();

        Assert.Null(result.Import);
        Assert.Equal((0, 0, 0), await harness.CountsAsync());
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
