using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests.Rest;

/// <summary>Refusals of the REST layer are RFC 9457 problem details with a stable code and nothing internal.</summary>
[Collection(RestFixtureGroup.Name)]
public sealed class RestProblemTests(RestFixture fixture)
{
    [Theory]
    [InlineData("/api/v1/players/abc", 400, "INVALID_ARGUMENT", "nbaId")]
    [InlineData("/api/v1/games?date=24-10-2023", 400, "INVALID_ARGUMENT", "date")]
    [InlineData("/api/v1/experiments/x1", 400, "INVALID_ARGUMENT", "experimentId")]
    [InlineData("/api/v1/players?limit=500", 400, "INVALID_PAGE_SIZE", "first")]
    [InlineData("/api/v1/players/201939?gameLogLast=0", 400, "INVALID_ARGUMENT", "last")]
    [InlineData("/api/v1/games?season=1999", 400, "INVALID_SEASON", "1999")]
    [InlineData("/api/v1/players?team=XYZ", 400, "UNKNOWN_TEAM", "XYZ")]
    [InlineData("/api/v1/players/1", 404, "PLAYER_NOT_FOUND", "1")]
    [InlineData("/api/v1/games/0000000000", 404, "GAME_NOT_FOUND", "0000000000")]
    [InlineData("/api/v1/teams/XYZ", 404, "TEAM_NOT_FOUND", "XYZ")]
    [InlineData("/api/v1/experiments/999", 404, "EXPERIMENT_NOT_FOUND", "999")]
    [InlineData("/api/v1/games/0022300061/predictions/1", 404, "PREDICTION_NOT_FOUND", "0022300061")]
    [InlineData("/api/v1/predictions/abc/insight", 400, "INVALID_ID", "parameter id")]
    [InlineData("/api/v1/predictions/1/insight?depth=long", 400, "INVALID_DEPTH", "parameter depth")]
    [InlineData("/api/v1/predictions/99999999/insight", 404, "PREDICTION_NOT_FOUND", "99999999")]
    [InlineData("/api/v1/players/abc/insights", 400, "INVALID_ARGUMENT", "nbaId")]
    public async Task Refusals_are_problem_details(string path, int status, string code, string mentioned)
    {
        using var client = fixture.App.CreateClient();
        using var response = await client.GetAsync(path);
        await AssertProblemAsync(response, status, code, mentioned);
    }

    [Theory]
    [InlineData("x!", """{"helpful":true}""", 400, "INVALID_ID", "parameter id")]
    [InlineData("99999999", """{"helpful":true}""", 404, "INSIGHT_NOT_FOUND", "99999999")]
    [InlineData("SW5zaWdodDo5OTk5OTk5OQ", """{"helpful":false}""", 404, "INSIGHT_NOT_FOUND", "99999999")]
    [InlineData("1", """{"comment":"no verdict"}""", 400, "INVALID_ARGUMENT", "helpful")]
    [InlineData("1", """{"helpful":"maybe"}""", 400, "INVALID_ARGUMENT", "RateInsightRequest")]
    public async Task Rating_refusals_are_problem_details(string insightId, string json, int status, string code, string mentioned)
    {
        using var client = fixture.App.CreateClient();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/api/v1/insights/{insightId}/ratings", content);
        await AssertProblemAsync(response, status, code, mentioned);
    }

    [Theory]
    [InlineData(RestFixture.UpcomingGameId, "GSW", """{"unavailablePlayerNbaIds":[2544]}""", 400, "NOT_ON_TEAM", "LAL")]
    [InlineData(RestFixture.UpcomingGameId, "BOS", """{"unavailablePlayerNbaIds":[]}""", 400, "INVALID_TEAM", "BOS")]
    [InlineData(RestFixture.UpcomingGameId, "GSW", """{}""", 400, "INVALID_ARGUMENT", "unavailablePlayerNbaIds")]
    [InlineData(RestFixture.UpcomingGameId, "GSW", """{"unavailablePlayerNbaIds":[99999999]}""", 404, "UNKNOWN_PLAYER", "99999999")]
    [InlineData("0029999999", "GSW", """{"unavailablePlayerNbaIds":[]}""", 404, "GAME_NOT_FOUND", "0029999999")]
    public async Task Injury_report_refusals_are_problem_details(string gameId, string team, string json, int status, string code, string mentioned)
    {
        using var client = fixture.App.CreateClient();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PutAsync($"/api/v1/games/{gameId}/availability/{team}", content);
        await AssertProblemAsync(response, status, code, mentioned);
    }

    [Fact]
    public async Task A_too_long_comment_is_a_bad_request()
    {
        using var client = fixture.App.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/insights/1/ratings", new { helpful = true, comment = new string('x', 1001) });
        await AssertProblemAsync(response, 400, "COMMENT_TOO_LONG", "1001");
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string code, string mentioned)
    {
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal(status, (int)problem["status"]!);
        Assert.Equal(code, (string)problem["code"]!);
        Assert.Contains(mentioned, (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)problem["title"]));
        // A stack frame ("at Namespace.Type.Method("), not prose such as "at most".
        Assert.DoesNotMatch(@"\bat [\w`]+(\.[\w`<>]+)+\(", body);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }
}
