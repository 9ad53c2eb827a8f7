using System.Net;
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
    public async Task Refusals_are_problem_details(string path, int status, string code, string mentioned)
    {
        using var client = fixture.App.CreateClient();
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal(status, (int)problem["status"]!);
        Assert.Equal(code, (string)problem["code"]!);
        Assert.Contains(mentioned, (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)problem["title"]));
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }
}
