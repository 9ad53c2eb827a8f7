using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Import;
using NbaPredict.Core.Features.Ingestion;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace NbaPredict.Workers.Tests.Ingestion;

/// <summary>Every fault the stub can throw at the clients: each either heals through the pipeline or fails with a clear reason and writes nothing.</summary>
public sealed class IngestionFaultTests
{
    private static IRequestBuilder PlayerLog => Request.Create().WithPath(IngestionHarness.NbaStatsPath).WithParam("PlayerOrTeam", "P").UsingGet();

    private static IResponseBuilder PlayerFixture => IngestionHarness.Json(IngestionHarness.Fixture("nba-stats-leaguegamelog-P-2023-10-24.json"));

    private static IResponseBuilder Status(int status) => Response.Create().WithStatusCode(status).WithBody("upstream trouble");

    [Fact]
    public async Task A_429_with_Retry_After_waits_what_the_server_asked_then_succeeds()
    {
        await using var harness = await IngestionHarness.StartAsync();
        harness.Sequence(PlayerLog, Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1"), PlayerFixture);

        var result = await harness.IngestAsync();

        Assert.Equal(44, result.Import!.Counts.Inserted);
        Assert.Equal(2, harness.Requests("leaguegamelog", "P"));
        var retry = Assert.Single(harness.Services.GetRequiredService<IngestionResilience>().Retries);
        Assert.Equal(("HTTP 429", TimeSpan.FromSeconds(1)), (retry.Cause, retry.Delay));
    }

    [Fact]
    public async Task A_Retry_After_longer_than_configured_is_not_waited_for()
    {
        await using var harness = await IngestionHarness.StartAsync(settings: new Dictionary<string, string?> { ["Ingestion:NbaStats:MaxRetryAfter"] = "00:00:05" });
        harness.Sequence(PlayerLog, Response.Create().WithStatusCode(429).WithHeader("Retry-After", "3600"));

        var error = await Assert.ThrowsAsync<IngestionException>(() => harness.IngestAsync());

        Assert.Equal("nba-stats: leaguegamelog P 2023-10-24 answered HTTP 429 Too Many Requests (Retry-After 3600 s)", error.Message);
        Assert.Equal(1, harness.Requests("leaguegamelog", "P"));
    }

    [Fact]
    public async Task A_burst_of_5xx_is_retried_with_backoff_until_success()
    {
        await using var harness = await IngestionHarness.StartAsync();
        harness.Sequence(PlayerLog, Status(500), Status(502), Status(503), PlayerFixture);

        var result = await harness.IngestAsync();

        Assert.Equal(44, result.Import!.Counts.Inserted);
        Assert.Equal(4, harness.Requests("leaguegamelog", "P"));
        var retries = harness.Services.GetRequiredService<IngestionResilience>().Retries.ToList();
        Assert.Equal(["HTTP 500", "HTTP 502", "HTTP 503"], retries.Select(r => r.Cause));
        Assert.Equal([1, 2, 3], retries.Select(r => r.Attempt));
    }

    [Fact]
    public async Task Repeated_failures_open_the_circuit_and_later_calls_fail_fast_without_a_request()
    {
        await using var harness = await IngestionHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Ingestion:NbaStats:CircuitMinimumThroughput"] = "2",
            ["Ingestion:NbaStats:CircuitFailureRatio"] = "0.5",
            ["Ingestion:NbaStats:CircuitBreakDuration"] = "00:01:00",
        });
        harness.Sequence(PlayerLog, Status(500));

        var first = await Assert.ThrowsAsync<IngestionException>(() => harness.IngestAsync());
        var requestsWhenOpened = harness.Requests("leaguegamelog");
        var second = await Assert.ThrowsAsync<IngestionException>(() => harness.IngestAsync());

        Assert.StartsWith("nba-stats: circuit open after repeated failures, leaguegamelog P 2023-10-24 not sent", first.Message, StringComparison.Ordinal);
        Assert.Equal(2, requestsWhenOpened);
        Assert.StartsWith("nba-stats: circuit open", second.Message, StringComparison.Ordinal);
        Assert.Equal(requestsWhenOpened, harness.Requests("leaguegamelog"));
        Assert.Equal((0, 0, 0), await harness.CountsAsync());
    }

    [Fact]
    public async Task A_slow_attempt_times_out_and_the_retry_succeeds()
    {
        await using var harness = await IngestionHarness.StartAsync(settings: new Dictionary<string, string?> { ["Ingestion:NbaStats:AttemptTimeout"] = "00:00:01" });
        // A scenario moves on only once a delayed response is sent, so the first call is told apart by a counter.
        var calls = 0;
        var body = IngestionHarness.Fixture("nba-stats-leaguegamelog-P-2023-10-24.json");
        harness.Server.Given(PlayerLog).AtPriority(1).RespondWith(Response.Create().WithCallback(async _ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(30));
            }

            return new WireMock.ResponseMessage
            {
                StatusCode = 200,
                BodyData = new WireMock.Util.BodyData { BodyAsString = body, DetectedBodyType = WireMock.Types.BodyType.String },
            };
        }));

        var result = await harness.IngestAsync();

        Assert.Equal(44, result.Import!.Counts.Inserted);
        var retry = Assert.Single(harness.Services.GetRequiredService<IngestionResilience>().Retries);
        Assert.Equal("TimeoutRejectedException", retry.Cause);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_server_that_stays_slow_fails_with_the_timeout_named()
    {
        await using var harness = await IngestionHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Ingestion:NbaStats:AttemptTimeout"] = "00:00:00.200",
            ["Ingestion:NbaStats:MaxRetries"] = "1",
        });
        harness.Sequence(PlayerLog, PlayerFixture.WithDelay(TimeSpan.FromSeconds(5)));

        var error = await Assert.ThrowsAsync<IngestionException>(() => harness.IngestAsync());

        Assert.Equal("nba-stats: leaguegamelog P 2023-10-24 timed out after 0.2 s", error.Message);
        Assert.Equal((0, 0, 0), await harness.CountsAsync());
    }

    public static TheoryData<string, string, string> MalformedPayloads => new()
    {
        { "P", "{\"resultSets\": [ {\"name\": \"LeagueGameLog\", \"headers\": [", "nba-stats: leaguegamelog P 2023-10-24 is not valid JSON" },
        { "P", "{\"resource\":\"leaguegamelog\",\"resultSets\":[]}", "nba-stats: leaguegamelog P 2023-10-24 has no LeagueGameLog result set" },
        { "T", "{\"resource\":\"leaguegamelog\"}", "nba-stats: leaguegamelog T 2023-10-24 has no resultSets array" },
        { "P", WithoutColumns("PTS", "MATCHUP"), "nba-stats: leaguegamelog P 2023-10-24 headers lack column(s) MATCHUP, PTS" },
        { "espn", "<html>Service Unavailable</html>", "espn: summary 401585601 is not valid JSON" },
        { "espn", IngestionHarness.Fixture("espn-summary-401585601.json").Replace("\"3PT\"", "\"3P\"", StringComparison.Ordinal), "espn: summary 401585601 statistics for LAL lack label(s) 3PT" },
    };

    [Theory]
    [MemberData(nameof(MalformedPayloads))]
    public async Task A_malformed_payload_fails_naming_the_problem_and_nothing_is_written_or_cached(string target, string body, string expected)
    {
        await using var harness = await IngestionHarness.StartAsync();
        var espn = target == "espn";
        var request = espn
            ? Request.Create().WithPath(IngestionHarness.EspnPath + "summary").WithParam("event", "401585601")
            : Request.Create().WithPath(IngestionHarness.NbaStatsPath).WithParam("PlayerOrTeam", target);
        harness.Sequence(request, IngestionHarness.Json(body));
        if (espn)
        {
            await harness.IngestAsync(IngestionSource.NbaStats);
        }

        var countsBefore = await harness.CountsAsync();
        var error = await Assert.ThrowsAsync<IngestionException>(() => harness.IngestAsync(espn ? IngestionSource.Espn : IngestionSource.NbaStats));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(countsBefore, await harness.CountsAsync());
        var cached = Path.Combine(harness.DataDirectory, "raw", espn ? "espn" : "nba-stats", espn ? "summary-401585601.json" : $"leaguegamelog-{target}-2023-10-24.json");
        Assert.False(File.Exists(cached));
    }

    [Fact]
    public async Task A_bad_row_is_reported_with_its_reason_and_the_one_percent_rule_rejects_the_day()
    {
        await using var harness = await IngestionHarness.StartAsync();
        // Jokić's line with 99 minutes; 1 bad row of 44 is 2.3%, over the import's 1% limit.
        var body = IngestionHarness.Fixture("nba-stats-leaguegamelog-P-2023-10-24.json")
            .Replace("\"DEN vs. LAL\",\"W\",36,12,22", "\"DEN vs. LAL\",\"W\",99,12,22", StringComparison.Ordinal);
        harness.Sequence(PlayerLog, IngestionHarness.Json(body));

        var result = await harness.IngestAsync();

        Assert.Equal(FileImportStatus.Rejected, result.Import!.Status);
        var error = Assert.Single(result.Import.Errors);
        Assert.Equal("nba-stats/2023-10-24:2: minutes 99 is outside 0–70", error.ToString());
        Assert.StartsWith("nba-stats/2023-10-24: 1 of 44 rows are invalid (2.3", result.Import.Reason, StringComparison.Ordinal);
        Assert.EndsWith("; nothing imported", result.Import.Reason, StringComparison.Ordinal);
        Assert.Equal((0, 0, 0), await harness.CountsAsync());
    }

    [Fact]
    public async Task A_player_log_that_disagrees_with_the_team_log_rejects_that_game()
    {
        await using var harness = await IngestionHarness.StartAsync();
        var body = IngestionHarness.Fixture("nba-stats-leaguegamelog-T-2023-10-24.json")
            .Replace("\"DEN vs. LAL\",\"W\",240,48,91,0.527,14,34,0.412,9,12,0.75,9,33,42,29,9,6,11,15,119", "\"DEN vs. LAL\",\"W\",240,48,91,0.527,14,34,0.412,9,12,0.75,9,33,42,29,9,6,11,15,121", StringComparison.Ordinal);
        harness.Sequence(Request.Create().WithPath(IngestionHarness.NbaStatsPath).WithParam("PlayerOrTeam", "T"), IngestionHarness.Json(body));

        var result = await harness.IngestAsync();

        Assert.Equal(FileImportStatus.Rejected, result.Import!.Status);
        Assert.Equal(24, result.Import.Errors.Count);
        Assert.All(result.Import.Errors, e => Assert.Equal("game 0022300061: DEN players' points sum to 119 but the team log says 121", e.Reason));
    }

    [Fact]
    public async Task The_rate_limiter_lets_one_request_through_per_window_and_queues_the_rest()
    {
        // One request per 60 s: the first goes at once, the next two must wait in the limiter's queue.
        await using var harness = await IngestionHarness.StartAsync(settings: new Dictionary<string, string?> { ["Ingestion:NbaStats:RequestsPerSecond"] = "0.0166" });
        var client = harness.Services.GetRequiredService<INbaStatsClient>();
        var limiter = harness.Services.GetRequiredService<IngestionResilience>().LimiterFor(IngestionSource.NbaStats);
        using var stop = new CancellationTokenSource();

        var first = await client.GetLeagueGameLogAsync(new DateOnly(2024, 1, 1), GameLogKind.Players, stop.Token);
        var waiting = new[] { new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 3) }
            .Select(day => client.GetLeagueGameLogAsync(day, GameLogKind.Players, stop.Token)).ToList();
        // Without a limiter both would complete at once; with it they stay queued. Either way the loop ends.
        for (var i = 0; i < 1_000 && limiter.GetStatistics()!.CurrentQueuedCount < 2 && !waiting.All(t => t.IsCompleted); i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(44, first.Rows.Count);
        Assert.Equal(1, harness.Requests("leaguegamelog"));
        Assert.All(waiting, task => Assert.False(task.IsCompleted));
        await stop.CancelAsync();
        foreach (var task in waiting)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        }

        Assert.Equal(1, harness.Requests("leaguegamelog"));
        Assert.Equal(1, limiter.GetStatistics()!.TotalSuccessfulLeases);
    }

    private static string WithoutColumns(params string[] columns)
    {
        var body = IngestionHarness.Fixture("nba-stats-leaguegamelog-P-2023-10-24.json");
        foreach (var column in columns)
        {
            body = body.Replace($"\"{column}\",", "", StringComparison.Ordinal);
        }

        return body;
    }
}
