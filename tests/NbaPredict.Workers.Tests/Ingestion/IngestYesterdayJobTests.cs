using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Ingestion;
using NbaPredict.Core.Features.Jobs;

namespace NbaPredict.Workers.Tests.Ingestion;

/// <summary>The scheduled ingest job fed by the API clients (<c>Jobs:Source</c>) instead of the bundled files.</summary>
public sealed class IngestYesterdayJobTests
{
    // 09:00 in New York on the day after the fixtures' game day: the job's "yesterday" is 2023-10-24.
    private static readonly DateTimeOffset MorningAfter = new(2023, 10, 25, 13, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Nba_stats_source_ingests_yesterday_into_the_database_and_a_rerun_changes_nothing()
    {
        await using var harness = await IngestionHarness.StartAsync(settings: new Dictionary<string, string?> { ["Jobs:Source"] = "nba-stats" });

        await using (var scope = harness.Services.CreateAsyncScope())
        {
            Assert.IsType<HttpDayIngestor>(scope.ServiceProvider.GetRequiredService<IDayIngestor>());
            var outcome = await scope.ServiceProvider.GetRequiredService<IngestYesterdayJob>().RunAsync(MorningAfter, CancellationToken.None);
            Assert.Equal("2023-10-24 from nba-stats: 2 games, 44 rows (44 inserted, 0 updated, 0 rejected)", outcome.Summary);
        }

        var rows = await harness.QueryAsync(db => db.PlayerGames.CountAsync(p => p.GameDate == IngestionHarness.Day));
        Assert.Equal(44, rows);
        var games = await harness.QueryAsync(db => db.Games.Where(g => g.Date == IngestionHarness.Day).OrderBy(g => g.Id).Select(g => g.Id).ToListAsync());
        Assert.Equal(["0022300061", "0022300062"], games);
        Assert.Equal(1, harness.Requests("leaguegamelog", "P"));

        await using (var scope = harness.Services.CreateAsyncScope())
        {
            var ingestor = scope.ServiceProvider.GetRequiredService<IDayIngestor>();
            var schedule = await ingestor.GetScheduleAsync(IngestionHarness.Day, CancellationToken.None);
            Assert.Equal(games, schedule.Select(g => g.GameId));
            Assert.All(schedule, g => Assert.Equal(("2023-24", "Regular Season"), (g.Season, g.SeasonType)));
            var again = await scope.ServiceProvider.GetRequiredService<IngestYesterdayJob>().RunAsync(MorningAfter, CancellationToken.None);
            Assert.Contains("(0 inserted, 0 updated, 0 rejected)", again.Summary, StringComparison.Ordinal);
        }

        Assert.Equal(44, await harness.QueryAsync(db => db.PlayerGames.CountAsync()));
    }

    [Fact]
    public async Task Nba_stats_schedule_stores_tomorrows_games_before_tip_off_from_the_scoreboard()
    {
        await using var harness = await IngestionHarness.StartAsync(settings: new Dictionary<string, string?> { ["Jobs:Source"] = "nba-stats" });

        // 09:00 in New York on opening night: today's two games and tomorrow's, none played yet.
        var morning = new DateTimeOffset(2023, 10, 24, 13, 0, 0, TimeSpan.Zero);
        string summary;
        await using (var scope = harness.Services.CreateAsyncScope())
        {
            summary = (await scope.ServiceProvider.GetRequiredService<RefreshPredictionsJob>().RunAsync(morning, CancellationToken.None)).Summary;
        }

        Assert.Contains("2023-10-25:", summary, StringComparison.Ordinal);
        var tomorrow = new DateOnly(2023, 10, 25);
        var stored = await harness.QueryAsync(db => db.Games.Where(g => g.Date == tomorrow).OrderBy(g => g.Id)
            .Select(g => new { g.Id, g.SeasonId, g.SeasonType, g.HomeTeamId, g.AwayTeamId }).ToListAsync());
        // Home and away as the scoreboard names them; the row with an unknown team is left out, never guessed.
        Assert.Equal(
            [("0022300063", "CHA", "ATL"), ("0022300064", "IND", "WAS"), ("0022300065", "NYK", "BOS")],
            stored.Select(g => (g.Id, NbaTeams.CodeOf(g.HomeTeamId), NbaTeams.CodeOf(g.AwayTeamId))));
        Assert.All(stored, g => Assert.Equal(("2023-24", "Regular Season"), (g.SeasonId, g.SeasonType)));
        Assert.Equal(2, await harness.QueryAsync(db => db.Games.CountAsync(g => g.Date == IngestionHarness.Day)));
        Assert.Equal(0, await harness.QueryAsync(db => db.PlayerGames.CountAsync()));
        Assert.Equal(2, harness.Requests("scoreboardv2"));
        Assert.Equal(0, harness.Requests("leaguegamelog"));
    }

    [Fact]
    public void A_scoreboard_without_its_game_header_is_refused_naming_what_is_missing()
    {
        var noHeader = Assert.Throws<IngestionException>(() => NbaStatsClient.ParseScoreboard(
            """{"resultSets":[{"name":"LineScore","headers":[],"rowSet":[]}]}""", IngestionHarness.Day, "scoreboardv2 2023-10-24"));
        Assert.Equal("nba-stats: scoreboardv2 2023-10-24 has no GameHeader result set", noHeader.Message);
        var noTeams = Assert.Throws<IngestionException>(() => NbaStatsClient.ParseScoreboard(
            """{"resultSets":[{"name":"GameHeader","headers":["GAME_ID","GAME_DATE_EST"],"rowSet":[]}]}""", IngestionHarness.Day, "scoreboardv2 2023-10-24"));
        Assert.Equal("nba-stats: scoreboardv2 2023-10-24 headers lack column(s) HOME_TEAM_ID, VISITOR_TEAM_ID", noTeams.Message);
    }

    [Fact]
    public async Task Espn_schedule_names_only_stored_games_and_the_default_source_is_the_bundled_files()
    {
        await using var harness = await IngestionHarness.StartAsync(settings: new Dictionary<string, string?> { ["Jobs:Source"] = "espn" });
        await harness.IngestAsync(IngestionSource.NbaStats);

        await using var scope = harness.Services.CreateAsyncScope();
        var schedule = await scope.ServiceProvider.GetRequiredService<IDayIngestor>().GetScheduleAsync(IngestionHarness.Day, CancellationToken.None);
        Assert.Equal(["0022300061", "0022300062"], schedule.Select(g => g.GameId).Order(StringComparer.Ordinal));
        Assert.Null(new JobOptions().ResolveSource());
    }

    [Fact]
    public async Task An_unknown_source_fails_naming_the_key()
    {
        await using var harness = await IngestionHarness.StartAsync(settings: new Dictionary<string, string?> { ["Jobs:Source"] = "nba.com" });
        await using var scope = harness.Services.CreateAsyncScope();

        var error = Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<IDayIngestor>());
        Assert.Contains("Jobs:Source 'nba.com'", error.Message, StringComparison.Ordinal);
        var atStartup = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddNbaJobs(harness.Configuration));
        Assert.Equal(error.Message, atStartup.Message);
    }
}
