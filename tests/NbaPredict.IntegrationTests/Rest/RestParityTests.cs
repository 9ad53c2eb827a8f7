using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Graph.GraphQL.Schema;
using NbaPredict.Graph.Rest;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests.Rest;

/// <summary>
/// Each REST endpoint answers exactly what GraphQL answers to a query selecting the same fields
/// (the REST shapes use the GraphQL names, so whole documents are compared).
/// </summary>
[Collection(RestFixtureGroup.Name)]
public sealed class RestParityTests(RestFixture fixture)
{
    private const string Team = "nbaTeamId abbreviation name city conference";
    private const string Player = $"nbaId name team {{ {Team} }} lastGameDate";
    private const string Line = $"nbaGameId date season player {{ nbaId }} team {{ {Team} }} opponent {{ {Team} }} home starter min pts reb oreb dreb ast stl blk tov pf fgm fga fg3m fg3a ftm fta plusMinus";
    private const string Game = $"nbaGameId date season seasonType homeTeam {{ {Team} }} awayTeam {{ {Team} }} homeScore awayScore";
    private const string Prediction = $"id player {{ nbaId }} game {{ nbaGameId }} team {{ {Team} }} opponent {{ {Team} }} home date modelVersion featureSchemaVersion inputsHash createdAt stats {{ stat value lower80 upper80 lower95 upper95 }} absencesNamed";
    private const string Experiment = "experimentId name unit status createdAt startedAt stoppedAt variants { modelVersion weight }";
    private const string Insight = "id prediction { id } depth text drivers { stat group label contribution features { feature value average contribution } } facts promptId promptVersion provider model tokensIn tokensOut cost latencyMs attempts outcome groundingIssues evaluation { name value } cached createdAt";
    private const string InsightStats = "promptId promptVersion provider insights tokensIn tokensOut cost averageLatencyMs regenerated replacedByOffline budgetFallbacks providerErrors ratings helpful notHelpful helpfulShare";
    private const string Model = "version stage createdAt promotedAt featureSchemaVersion trainFrom trainTo validationFrom validationTo trainingRows trainingSeconds dataHash metrics { stat rows mae rmse baselineLast10Mae improvementVsLast10Pct coverage80 coverage95 baselineLast10RoundedMae improvementVsLast10RoundedPct } knownAbsenceMetrics { stat rows mae rmse baselineLast10Mae improvementVsLast10Pct coverage80 coverage95 baselineLast10RoundedMae improvementVsLast10RoundedPct }";

    private static readonly string[] PageOnlyFields = ["offset", "hasNextPage"];

    private NbaApp App => fixture.App;

    [Fact]
    public async Task Player_search_pages_like_the_players_connection()
    {
        var after = Cursors.Encode(2);
        var graph = await AssertParityAsync(
            "/api/v1/players?search=a&team=BOS&limit=4&offset=3",
            $$"""{ players(search: "a", team: "BOS", first: 4, after: "{{after}}") { totalCount items: nodes { {{Player}} } } }""", "players", PageOnlyFields);
        Assert.Equal(4, graph["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Player_by_id_carries_his_game_log()
    {
        var graph = await AssertParityAsync("/api/v1/players/201939?gameLogLast=5", $$"""{ player(nbaId: 201939) { {{Player}} gameLog(last: 5) { {{Line}} } } }""", "player");
        Assert.Equal(5, graph["gameLog"]!.AsArray().Count);
    }

    [Fact]
    public async Task Player_game_log_of_a_season()
    {
        var graph = await AssertParityAsync("/api/v1/players/2544?season=2022-23&gameLogLast=3", $$"""{ player(nbaId: 2544) { {{Player}} gameLog(season: "2022-23", last: 3) { {{Line}} } } }""", "player");
        Assert.All(graph["gameLog"]!.AsArray(), l => Assert.Equal("2022-23", (string)l!["season"]!));
    }

    [Fact]
    public async Task Teams_list_and_one_team()
    {
        var all = await AssertParityAsync("/api/v1/teams", $$"""{ teams { {{Team}} } }""", "teams");
        Assert.Equal(30, all.AsArray().Count);
        await AssertParityAsync("/api/v1/teams/gsw", $$"""{ team(abbreviation: "gsw") { {{Team}} } }""", "team");
    }

    [Fact]
    public async Task Games_by_date()
    {
        var graph = await AssertParityAsync("/api/v1/games?date=2023-10-24", $$"""{ games(date: "2023-10-24") { totalCount items: nodes { {{Game}} } } }""", "games", PageOnlyFields);
        Assert.Equal(2, (int)graph["totalCount"]!);
    }

    [Fact]
    public async Task Games_by_season_and_team()
    {
        var after = Cursors.Encode(0);
        var graph = await AssertParityAsync(
            "/api/v1/games?season=2023-24&team=LAL&limit=3&offset=1",
            $$"""{ games(season: "2023-24", team: "LAL", first: 3, after: "{{after}}") { totalCount items: nodes { {{Game}} } } }""", "games", PageOnlyFields);
        Assert.Equal(3, graph["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Game_by_id_carries_its_box_score()
    {
        var graph = await AssertParityAsync("/api/v1/games/0022300061", $$"""{ game(nbaGameId: "0022300061") { {{Game}} boxScore { {{Line}} } } }""", "game");
        Assert.True(graph["boxScore"]!.AsArray().Count > 10);
    }

    [Fact]
    public async Task Predictions_batch_for_a_date()
    {
        var graph = await AssertParityAsync(
            $"/api/v1/predictions?date={RestFixture.PredictedDate}&limit=100",
            $$"""{ predictions(date: "{{RestFixture.PredictedDate}}", first: 100) { totalCount items: nodes { {{Prediction}} } } }""", "predictions", PageOnlyFields);
        Assert.True((int)graph["totalCount"]! > 20);
    }

    [Fact]
    public async Task Predictions_of_a_player_and_of_one_player_game()
    {
        var (gameId, playerId, _) = await PredictionIdAsync(0);

        var mine = await AssertParityAsync(
            $"/api/v1/players/{playerId}/predictions",
            $$"""{ predictions(playerNbaId: {{playerId}}, first: 100) { nodes { {{Prediction}} } } }""", "predictions", graphPath: "nodes");
        Assert.NotEmpty(mine.AsArray());
        await AssertParityAsync(
            $"/api/v1/games/{gameId}/predictions/{playerId}",
            $$"""{ predictions(gameId: "{{gameId}}", playerNbaId: {{playerId}}) { nodes { {{Prediction}} } } }""", "predictions", graphPath: "nodes", single: true);
    }

    [Fact]
    public async Task An_injury_report_put_over_rest_remakes_the_game_and_is_listed_like_the_game_field()
    {
        const int klay = 202691;
        using var client = App.CreateClient();
        using var put = await client.PutAsJsonAsync($"/api/v1/games/{RestFixture.UpcomingGameId}/availability/gsw", new { unavailablePlayerNbaIds = new[] { klay } });
        var body = await put.Content.ReadAsStringAsync();
        Assert.True(put.StatusCode == HttpStatusCode.OK, body);
        var reported = JsonNode.Parse(body)!;
        Assert.Equal("GSW", (string)reported["report"]!["team"]!["abbreviation"]!);
        Assert.Equal([klay], reported["report"]!["unavailablePlayerNbaIds"]!.AsArray().Select(i => (int)i!));
        var predictions = reported["predictions"]!.AsArray();
        Assert.Contains(predictions, p => (string)p!["team"]!["abbreviation"]! == "DEN");
        Assert.DoesNotContain(predictions, p => (int)p!["player"]!["nbaId"]! == klay);
        Assert.All(predictions, p => Assert.Equal((string)p!["team"]!["abbreviation"]! == "GSW", (bool)p["absencesNamed"]!));

        var listed = await AssertParityAsync(
            $"/api/v1/games/{RestFixture.UpcomingGameId}/availability",
            $$"""{ game(nbaGameId: "{{RestFixture.UpcomingGameId}}") { availability { game { nbaGameId } team { {{Team}} } unavailablePlayerNbaIds reportedAt } } }""", "game", graphPath: "availability");
        Assert.Single(listed.AsArray());

        // REST writes are audited like GraphQL mutations, refusals included.
        using var refused = await client.PutAsJsonAsync($"/api/v1/games/{RestFixture.UpcomingGameId}/availability/GSW", new { unavailablePlayerNbaIds = new[] { 2544 } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        await using var scope = App.Services.CreateAsyncScope();
        var audit = await scope.ServiceProvider.GetRequiredService<NbaPredict.Core.Data.NbaDbContext>().AuditEntries
            .Where(e => e.Action.StartsWith("rest PUT /api/v1/games/" + RestFixture.UpcomingGameId)).ToListAsync();
        Assert.Contains(audit, e => e.Action.EndsWith("/availability/gsw", StringComparison.Ordinal) && e.Outcome == "success");
        Assert.Contains(audit, e => e.Action.EndsWith("/availability/GSW", StringComparison.Ordinal) && e.Outcome == "failed" && e.Detail!.StartsWith("NOT_ON_TEAM", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Experiments_list_and_one_experiment()
    {
        var all = await AssertParityAsync("/api/v1/experiments", $$"""{ experiments { {{Experiment}} } }""", "experiments");
        var id = (int)Assert.Single(all.AsArray())!["experimentId"]!;
        await AssertParityAsync($"/api/v1/experiments/{id}", $$"""{ experiment(experimentId: {{id}}) { {{Experiment}} } }""", "experiment");
    }

    [Fact]
    public async Task Models_list_and_the_production_model()
    {
        var all = await AssertParityAsync("/api/v1/models", $$"""{ models { {{Model}} } }""", "models");
        Assert.Equal(2, all.AsArray().Count);
        Assert.All(all.AsArray(), m =>
        {
            // the known-absence model is validated on the same rows as the ensemble
            var stats = m!["metrics"]!.AsArray().Select(x => (string)x!["stat"]!).ToList();
            Assert.NotEmpty(stats);
            Assert.Equal(stats, m["knownAbsenceMetrics"]!.AsArray().Select(x => (string)x!["stat"]!));
            Assert.Equal(m["metrics"]![0]!["rows"]!.GetValue<int>(), m["knownAbsenceMetrics"]![0]!["rows"]!.GetValue<int>());

            // the rounded last-10 baseline (ADR 0023) is measured for every model trained since
            Assert.All(m["metrics"]!.AsArray(), x =>
            {
                var rounded = x!["baselineLast10RoundedMae"]!.GetValue<double>();
                Assert.True(rounded > 0);
                Assert.Equal(100 * (1 - (x["mae"]!.GetValue<double>() / rounded)), x["improvementVsLast10RoundedPct"]!.GetValue<double>(), 6);
            });
        });
        using var client = App.CreateClient();
        var production = JsonNode.Parse(await client.GetStringAsync("/api/v1/models/production"))!;
        var expected = all.AsArray().Single(m => (string)m!["stage"]! == "PRODUCTION")!;
        AssertSameJson(expected, production, "$");
    }

    [Fact]
    public async Task Insight_of_a_prediction_at_both_depths()
    {
        var (gameId, playerId, predictionId) = await PredictionIdAsync(0);
        var ofPrediction = $$"""predictions(gameId: "{{gameId}}", playerNbaId: {{playerId}}, first: 1)""";
        // The first request generates and stores (cached: false); both APIs then read the stored row.
        var first = NbaApp.Data(await App.QueryAsync($$"""{ {{ofPrediction}} { nodes { insight { cached } deep: insight(depth: DEEP_DIVE) { cached } } } }"""));
        Assert.False((bool)first["predictions"]!["nodes"]![0]!["insight"]!["cached"]!);

        var summary = await AssertParityAsync(
            $"/api/v1/predictions/{predictionId}/insight", $$"""{ {{ofPrediction}} { nodes { insight { {{Insight}} } } } }""", "predictions", graphPath: "nodes", single: true, graphField: "insight");
        Assert.Equal("SUMMARY", (string)summary["depth"]!);
        Assert.Equal(predictionId, (string)summary["prediction"]!["id"]!);
        Assert.True((bool)summary["cached"]!);
        var deep = await AssertParityAsync(
            $"/api/v1/predictions/{predictionId}/insight?depth=deep_dive", $$"""{ {{ofPrediction}} { nodes { insight(depth: DEEP_DIVE) { {{Insight}} } } } }""", "predictions", graphPath: "nodes", single: true, graphField: "insight");
        Assert.Equal("DEEP_DIVE", (string)deep["depth"]!);
        Assert.Equal("OFFLINE", (string)deep["outcome"]!);

        // The stored number is the same prediction as its global id.
        using var client = App.CreateClient();
        var byNumber = JsonNode.Parse(await client.GetStringAsync($"/api/v1/predictions/{StoredNumber(predictionId)}/insight?depth=DEEP_DIVE"))!;
        AssertSameJson(deep, byNumber, "$");
    }

    [Fact]
    public async Task Insights_of_a_player_page_like_the_insights_connection()
    {
        var (_, playerId, predictionId) = await PredictionIdAsync(1);
        using (var client = App.CreateClient())
        {
            (await client.GetAsync($"/api/v1/predictions/{predictionId}/insight")).EnsureSuccessStatusCode();
            (await client.GetAsync($"/api/v1/predictions/{predictionId}/insight?depth=deep_dive")).EnsureSuccessStatusCode();
        }

        var all = await AssertParityAsync(
            $"/api/v1/players/{playerId}/insights?limit=2", $$"""{ insights(playerNbaId: {{playerId}}, first: 2) { totalCount items: nodes { {{Insight}} } } }""", "insights", PageOnlyFields);
        Assert.True((int)all["totalCount"]! >= 2);
        var after = Cursors.Encode(0);
        var page = await AssertParityAsync(
            $"/api/v1/players/{playerId}/insights?limit=1&offset=1",
            $$"""{ insights(playerNbaId: {{playerId}}, first: 1, after: "{{after}}") { totalCount items: nodes { {{Insight}} } } }""", "insights", PageOnlyFields);
        AssertSameJson(all["items"]![1], page["items"]![0], "$.items[1]");
    }

    [Fact]
    public async Task Rating_an_insight_answers_like_rateInsight_and_counts_in_the_stats()
    {
        var (_, _, predictionId) = await PredictionIdAsync(2);
        using var client = App.CreateClient();
        var insightId = (string)JsonNode.Parse(await client.GetStringAsync($"/api/v1/predictions/{predictionId}/insight"))!["id"]!;

        using var response = await client.PostAsync($"/api/v1/insights/{insightId}/ratings", JsonContent.Create(new { helpful = false, comment = "  too vague " }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"HTTP {(int)response.StatusCode} {body}");
        var rest = JsonNode.Parse(body)!.AsObject();
        var graph = NbaApp.Data(await App.QueryAsync(
            $$"""mutation { rateInsight(insightId: "{{insightId}}", helpful: false, comment: "  too vague ") { rating { id helpful comment createdAt } errors { code } } }"""))["rateInsight"]!;
        Assert.Empty(graph["errors"]!.AsArray());
        var rating = graph["rating"]!.AsObject();
        // Two ratings are two rows: only their ids and times differ.
        Assert.NotEqual((string)rating["id"]!, (string)rest["id"]!);
        foreach (var distinct in new[] { "id", "createdAt" })
        {
            Assert.True(rest.Remove(distinct) && rating.Remove(distinct), distinct);
        }

        AssertSameJson(rating, rest, "$");
        Assert.Equal("too vague", (string)rest["comment"]!);

        var stats = await AssertParityAsync("/api/v1/insights/stats", $$"""{ insightStats { {{InsightStats}} } }""", "insightStats");
        Assert.True(stats.AsArray().Sum(s => (int)s!["notHelpful"]!) >= 2);
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_every_endpoint_and_Scalar_serves_it()
    {
        var routes = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/').TrimEnd('/'))
            .Where(p => p.StartsWith(RestEndpoints.Prefix + "/", StringComparison.Ordinal))
            .Distinct().ToList();
        using var client = App.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync(RestSetup.OpenApiPath))!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);

        Assert.True(routes.Count >= 13, $"expected the whole /api/v1 surface, found {string.Join(", ", routes)}");
        Assert.All(routes, r => Assert.Contains(r, paths));
        Assert.All(paths, p => Assert.StartsWith(RestEndpoints.Prefix, p, StringComparison.Ordinal));
        using var scalar = await client.GetAsync("/scalar");
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
        Assert.Contains("text/html", scalar.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The <paramref name="index"/>th prediction of the stored day (tests take different ones, so their insights do not meet).</summary>
    private async Task<(string GameId, int PlayerId, string Id)> PredictionIdAsync(int index)
    {
        var node = NbaApp.Data(await App.QueryAsync($$"""{ predictions(date: "{{RestFixture.PredictedDate}}", first: 100) { nodes { id game { nbaGameId } player { nbaId } } } }"""))["predictions"]!["nodes"]![index]!;
        return ((string)node["game"]!["nbaGameId"]!, (int)node["player"]!["nbaId"]!, (string)node["id"]!);
    }

    private static string StoredNumber(string globalId) =>
        Assert.IsType<string>(GlobalId.TryDecode(globalId, out var type, out var key) && type == "Prediction" ? key : null);

    /// <summary>
    /// GETs <paramref name="restPath"/> and posts <paramref name="query"/>, then compares the REST body with
    /// <c>data.field</c> (or its <paramref name="graphPath"/> child; with <paramref name="single"/>, its first item;
    /// then that item's <paramref name="graphField"/>).
    /// </summary>
    private async Task<JsonNode> AssertParityAsync(
        string restPath, string query, string field, string[]? restOnlyFields = null, string? graphPath = null, bool single = false, string? graphField = null)
    {
        using var client = App.CreateClient();
        using var response = await client.GetAsync(restPath);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {restPath}: HTTP {(int)response.StatusCode} {body}");
        var rest = JsonNode.Parse(body)!;
        var graph = NbaApp.Data(await App.QueryAsync(query))[field]!;
        graph = graphPath is null ? graph : graph[graphPath]!;
        graph = single ? graph.AsArray()[0]! : graph;
        graph = graphField is null ? graph : graph[graphField]!;
        if (rest is JsonObject restObject)
        {
            foreach (var name in restOnlyFields ?? [])
            {
                Assert.True(restObject.Remove(name), $"REST answer lacks '{name}'");
            }
        }

        AssertSameJson(graph, rest, "$");
        return graph;
    }

    private static void AssertSameJson(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{path}: expected null, REST has {actual?.ToJsonString()}");
                break;
            case JsonObject e:
                var a = Assert.IsType<JsonObject>(actual);
                Assert.Equal(e.Select(p => p.Key).Order(StringComparer.Ordinal), a.Select(p => p.Key).Order(StringComparer.Ordinal));
                foreach (var (name, child) in e)
                {
                    AssertSameJson(child, a[name], $"{path}.{name}");
                }

                break;
            case JsonArray e:
                var list = Assert.IsType<JsonArray>(actual);
                Assert.True(e.Count == list.Count, $"{path}: GraphQL has {e.Count} items, REST {list.Count}");
                for (var i = 0; i < e.Count; i++)
                {
                    AssertSameJson(e[i], list[i], $"{path}[{i}]");
                }

                break;
            default:
                var value = expected.AsValue();
                Assert.True(actual is JsonValue, $"{path}: expected {value.ToJsonString()}, REST has {actual?.ToJsonString() ?? "null"}");
                if (value.GetValueKind() == System.Text.Json.JsonValueKind.Number)
                {
                    Assert.True((decimal)value == (decimal)actual!, $"{path}: GraphQL {value.ToJsonString()}, REST {actual!.ToJsonString()}");
                }
                else
                {
                    Assert.True(value.ToJsonString() == actual!.ToJsonString(), $"{path}: GraphQL {value.ToJsonString()}, REST {actual!.ToJsonString()}");
                }

                break;
        }
    }
}
