using NbaPredict.Workers.Cli;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace NbaPredict.Workers.Tests.Ingestion;

/// <summary><c>nbapredict ingest</c>: a one-line reason and a non-zero exit on bad input or a failed fetch; a summary line otherwise.</summary>
public sealed class IngestCommandTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(IngestionHarness harness, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await NbaCli.RunAsync(args, output, error, harness.Configuration);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData(new[] { "ingest" }, "missing required option --date")]
    [InlineData(new[] { "ingest", "--date", "2023-13-45" }, "--date '2023-13-45' is not a date in YYYY-MM-DD form")]
    [InlineData(new[] { "ingest", "--date", "24/10/2023" }, "--date '24/10/2023' is not a date in YYYY-MM-DD form")]
    [InlineData(new[] { "ingest", "--date", "2023-10-24", "--source", "bbref" }, "--source 'bbref' is not one of nba-stats, espn")]
    [InlineData(new[] { "ingest", "--date", "2023-10-24", "--colour", "red" }, "unknown option --colour")]
    public async Task Bad_input_exits_non_zero_with_a_one_line_reason(string[] args, string reason)
    {
        await using var harness = await IngestionHarness.StartAsync();

        var (exitCode, _, error) = await RunAsync(harness, args);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {reason}", line);
        Assert.Empty(harness.Server.LogEntries);
    }

    [Theory]
    [InlineData("Ingestion:NbaStats:RequestsPerSecond", "0", "configuration: Ingestion:NbaStats:RequestsPerSecond must be positive")]
    [InlineData("Ingestion:Espn:BaseUrl", "site.api.espn.com", "configuration: Ingestion:Espn:BaseUrl 'site.api.espn.com' is not an absolute http(s) URL")]
    [InlineData("Ingestion:NbaStats:MaxRetries", "0", "configuration: Ingestion:NbaStats:MaxRetries must be between 1 and 20")]
    public async Task Unworkable_settings_are_named_before_any_request(string key, string value, string reason)
    {
        await using var harness = await IngestionHarness.StartAsync(settings: new Dictionary<string, string?> { [key] = value });

        var (exitCode, _, error) = await RunAsync(harness, "ingest", "--date", "2023-10-24");

        Assert.Equal((2, $"error: {reason}"), (exitCode, error.Trim()));
        Assert.Empty(harness.Server.LogEntries);
    }

    [Fact]
    public async Task Ingest_prints_what_it_did_and_a_second_run_changes_nothing()
    {
        await using var harness = await IngestionHarness.StartAsync();

        var first = await RunAsync(harness, "ingest", "--date", "2023-10-24");
        var second = await RunAsync(harness, "ingest", "--date", "2023-10-24", "--source", "espn");
        var third = await RunAsync(harness, "ingest", "--date", "2023-10-24", "--source", "nba-stats");

        Assert.Equal((0, "nba-stats 2023-10-24: 2 games, 44 rows: 44 inserted, 0 updated, 0 unchanged, 0 rejected"), (first.ExitCode, first.Output.Trim()));
        Assert.Equal((0, "espn 2023-10-24: 2 games, 44 rows: 0 inserted, 0 updated, 44 unchanged, 0 rejected"), (second.ExitCode, second.Output.Trim()));
        Assert.Equal((0, "nba-stats 2023-10-24: 2 games, 44 rows: 0 inserted, 0 updated, 44 unchanged, 0 rejected"), (third.ExitCode, third.Output.Trim()));
        Assert.Equal((44, 2, 44), await harness.CountsAsync());
    }

    [Fact]
    public async Task A_failed_fetch_exits_one_with_the_reason()
    {
        await using var harness = await IngestionHarness.StartAsync(settings: new Dictionary<string, string?> { ["Ingestion:NbaStats:MaxRetries"] = "1" });
        harness.Sequence(Request.Create().WithPath(IngestionHarness.NbaStatsPath), Response.Create().WithStatusCode(503));

        var (exitCode, _, error) = await RunAsync(harness, "ingest", "--date", "2023-10-24");

        Assert.Equal(1, exitCode);
        Assert.Equal("error: nba-stats: leaguegamelog P 2023-10-24 answered HTTP 503 Service Unavailable", error.Trim());
        Assert.Equal(2, harness.Requests("leaguegamelog"));
    }
}
