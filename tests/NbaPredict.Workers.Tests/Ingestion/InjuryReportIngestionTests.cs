using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Availability;
using NbaPredict.Core.Features.Ingestion;
using NbaPredict.Core.Features.Jobs;
using WireMock.RequestBuilders;

namespace NbaPredict.Workers.Tests.Ingestion;

/// <summary>ESPN's injury list becomes the availability reports of a day's games not yet played (ADR 0022).</summary>
public sealed class InjuryReportIngestionTests
{
    private const string UpcomingGame = "0022300099";
    private static readonly DateOnly GameDay = new(2023, 10, 27);

    // 12:30 in New York on the game day.
    private static readonly DateTimeOffset Midday = new(2023, 10, 27, 16, 30, 0, TimeSpan.Zero);

    [Fact]
    public void The_feed_is_parsed_with_teams_placed_by_abbreviation_or_by_name()
    {
        var feed = EspnClient.ParseInjuries(IngestionHarness.Fixture("espn-injuries.json"), "injuries");

        Assert.Equal(
            [("GSW", "Klay Thompson", true), ("GSW", "Chris Paul", false), ("GSW", "Kevin Durant", true), ("LAL", "Gabe Vincent", true),
             ("LAL", "Jarred Vanderbilt", true), ("LAC", "Kawhi Leonard", true), ("BOS", "Robert Williams III", true)],
            feed.Injuries.Select(i => (i.Team, i.Name, i.RuledOut)));
        Assert.Contains("Seattle SuperSonics", Assert.Single(feed.Problems), StringComparison.Ordinal);
        Assert.Throws<IngestionException>(() => EspnClient.ParseInjuries("""{"status":"success"}""", "injuries"));
        Assert.Throws<IngestionException>(() => EspnClient.ParseInjuries("<html>", "injuries"));
    }

    [Fact]
    public async Task The_job_reports_each_playing_team_with_its_ruled_out_players_and_names_what_it_skipped()
    {
        await using var harness = await IngestionHarness.StartAsync(settings: new Dictionary<string, string?> { ["Jobs:Source"] = "espn" });
        await harness.IngestAsync(IngestionSource.NbaStats);
        await harness.QueryAsync(db =>
        {
            db.Games.Add(new Game
            {
                Id = UpcomingGame, Date = GameDay, SeasonId = "2023-24", SeasonType = "Regular Season",
                HomeTeamId = NbaTeams.FindByCode("GSW")!.Id, AwayTeamId = NbaTeams.FindByCode("LAL")!.Id,
            });
            return db.SaveChangesAsync();
        });
        harness.Server.Given(Request.Create().WithPath(IngestionHarness.EspnPath + "injuries").UsingGet()).AtPriority(100)
            .RespondWith(IngestionHarness.Json(IngestionHarness.Fixture("espn-injuries.json")));

        string summary;
        await using (var scope = harness.Services.CreateAsyncScope())
        {
            summary = (await scope.ServiceProvider.GetRequiredService<IngestInjuryReportsJob>().RunAsync(Midday, CancellationToken.None)).Summary;
        }

        Assert.StartsWith("2023-10-27: 2 team reports for 1 games, 2 players out, 0 predictions remade; 3 skipped:", summary, StringComparison.Ordinal);
        Assert.Contains("Jarred Vanderbilt", summary, StringComparison.Ordinal);
        Assert.Contains("201142 last played for PHX", summary, StringComparison.Ordinal);
        Assert.Contains("Seattle SuperSonics", summary, StringComparison.Ordinal);
        var reports = await harness.QueryAsync(db => db.AvailabilityReports.OrderBy(r => r.TeamId).ToListAsync());
        Assert.Equal(
            [(NbaTeams.FindByCode("GSW")!.Id, new List<int> { 202691 }), (NbaTeams.FindByCode("LAL")!.Id, new List<int> { 1629216 })],
            reports.Select(r => (r.TeamId, r.UnavailablePlayerIds)).OrderBy(r => r.TeamId));
        Assert.All(reports, r => Assert.Equal((UpcomingGame, GameDay, InjuryReportIngestor.ReportedBy), (r.GameId, r.GameDate, r.ReportedBy)));

        // A day whose games are all played asks the feed nothing, and the bundled source has no feed at all.
        await using (var scope = harness.Services.CreateAsyncScope())
        {
            var played = await scope.ServiceProvider.GetRequiredService<InjuryReportIngestor>().IngestAsync(IngestionHarness.Day, CancellationToken.None);
            Assert.Equal("2023-10-24: no game left to play", played.ToString());
        }

        Assert.Equal(1, harness.Requests("injuries"));
        var bundled = new IngestInjuryReportsJob(null!, new JobOptions(), null!, null!);
        Assert.StartsWith("skipped:", (await bundled.RunAsync(Midday, CancellationToken.None)).Summary, StringComparison.Ordinal);
    }
}
