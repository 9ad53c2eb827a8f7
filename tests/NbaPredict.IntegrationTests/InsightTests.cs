using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Features.Models;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.IntegrationTests.Infrastructure;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace NbaPredict.IntegrationTests;

/// <summary>
/// Insights through GraphQL on a real database: offline with no provider configured, and through Semantic Kernel
/// against a fake OpenAI-compatible server on loopback (WireMock) that answers once correctly and then with
/// invented numbers.
/// </summary>
public abstract class InsightTests(Provider provider) : IAsyncLifetime
{
    private const string Date = "2023-11-10";
    private const int PromptTokens = 420;
    private const int CompletionTokens = 60;

    private TestDatabase database = null!;
    private NbaApp app = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(provider);
        app = new NbaApp(database);
        await app.ImportTwoSeasonSlicesAsync(days: 20);
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ModelTrainingService>().TrainAsync(new TrainingRequest(Promote: true, Options: TestTraining.Tiny));
        // Predict the day up front, so each insight request below only explains (well inside the 10 s request limit).
        await scope.ServiceProvider.GetRequiredService<PredictionService>().RefreshAsync(DateOnly.Parse(Date, CultureInfo.InvariantCulture));
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Without_a_provider_insights_are_written_offline_cached_rated_and_listed()
    {
        const string query = """
            query($date: Date!, $depth: InsightDepth!) { predictions(date: $date, first: 1) { nodes { player { nbaId name } opponent { name }
              insight(depth: $depth) { id text provider model tokensIn tokensOut cost attempts outcome cached promptId promptVersion evaluation { name }
                drivers { stat group label contribution features { feature value average contribution } } facts } } } }
            """;
        var first = Node(NbaApp.Data(await app.QueryAsync(query, new { date = Date, depth = "SUMMARY" })));
        var again = Node(NbaApp.Data(await app.QueryAsync(query, new { date = Date, depth = "SUMMARY" })));
        var deep = Node(NbaApp.Data(await app.QueryAsync(query, new { date = Date, depth = "DEEP_DIVE" })));

        var insight = first["insight"]!;
        Assert.Equal("offline", (string)insight["provider"]!);
        Assert.Equal("OFFLINE", (string)insight["outcome"]!);
        Assert.Equal(0, (int)insight["tokensIn"]! + (int)insight["tokensOut"]!);
        Assert.Equal(0, (double)insight["cost"]!);
        Assert.False((bool)insight["cached"]!);
        Assert.Equal("insight-summary", (string)insight["promptId"]!);
        Assert.Equal(2, (int)insight["promptVersion"]!);
        Assert.Empty(insight["evaluation"]!.AsArray()); // scores are for LLM text
        var text = (string)insight["text"]!;
        Assert.Contains((string)first["player"]!["name"]!, text, StringComparison.Ordinal);
        Assert.Contains((string)first["opponent"]!["name"]!, text, StringComparison.Ordinal);
        Assert.InRange(Sentences(text), 3, 6);
        var drivers = insight["drivers"]!.AsArray();
        Assert.Contains(drivers, d => (string)d!["stat"]! == "PTS");
        Assert.All(drivers, d => Assert.NotEqual(0, (double)d!["contribution"]!));
        Assert.Contains(drivers, d => d!["features"]!.AsArray().Count > 0);
        // Every number the offline text states is one of its facts.
        Assert.Contains(FirstNumber(text), (string)insight["facts"]!, StringComparison.Ordinal);

        Assert.True((bool)again["insight"]!["cached"]!);
        Assert.Equal((string)insight["id"]!, (string)again["insight"]!["id"]!);
        Assert.Equal(text, (string)again["insight"]!["text"]!);
        Assert.Equal("insight-deep-dive", (string)deep["insight"]!["promptId"]!);
        Assert.InRange(Sentences((string)deep["insight"]!["text"]!), 5, 6);

        var rated = NbaApp.Data(await app.QueryAsync("""
            mutation($id: ID!) {
              yes: rateInsight(insightId: $id, helpful: true, comment: "clear") { rating { helpful comment } insight { id } errors { code } }
              no: rateInsight(insightId: $id, helpful: false) { rating { helpful } errors { code } }
              missing: rateInsight(insightId: "999999", helpful: true) { rating { helpful } errors { code } }
            }
            """, new { id = (string)insight["id"]! }));
        Assert.Equal("clear", (string)rated["yes"]!["rating"]!["comment"]!);
        Assert.Equal((string)insight["id"]!, (string)rated["yes"]!["insight"]!["id"]!);
        Assert.Equal("INSIGHT_NOT_FOUND", (string)rated["missing"]!["errors"]![0]!["code"]!);

        var listed = NbaApp.Data(await app.QueryAsync("""
            query($player: Int!) {
              insights(playerNbaId: $player, first: 1) { totalCount nodes { promptId } pageInfo { hasNextPage } }
              insightStats { promptId promptVersion provider insights tokensIn cost ratings helpful notHelpful helpfulShare }
            }
            """, new { player = (int)first["player"]!["nbaId"]! }));
        Assert.Equal(2, (int)listed["insights"]!["totalCount"]!);
        Assert.True((bool)listed["insights"]!["pageInfo"]!["hasNextPage"]!);
        var summary = listed["insightStats"]!.AsArray().Single(s => (string)s!["promptId"]! == "insight-summary")!;
        Assert.Equal(("offline", 1, 2, 1, 1, 0.5), ((string)summary["provider"]!, (int)summary["insights"]!, (int)summary["ratings"]!, (int)summary["helpful"]!, (int)summary["notHelpful"]!, (double)summary["helpfulShare"]!));

        // A refresh replaces the predictions; the insights stay on record (for costs, budgets and ratings), detached.
        var refreshed = NbaApp.Data(await app.QueryAsync("mutation($date: Date!) { refreshPredictions(date: $date) { errors { code } } }", new { date = Date }));
        Assert.Empty(refreshed["refreshPredictions"]!["errors"]!.AsArray());
        var kept = NbaApp.Data(await app.QueryAsync(
            "query($player: Int!) { insights(playerNbaId: $player) { totalCount nodes { prediction { id } } } }", new { player = (int)first["player"]!["nbaId"]! }));
        Assert.Equal(2, (int)kept["insights"]!["totalCount"]!);
        Assert.All(kept["insights"]!["nodes"]!.AsArray(), n => Assert.Null(n!["prediction"]));
    }

    [Fact]
    public async Task An_llm_answer_is_stored_when_grounded_replaced_when_it_invents_numbers_and_never_paid_twice()
    {
        var nodes = NbaApp.Data(await app.QueryAsync("""
            query($date: Date!) { predictions(date: $date, first: 3) { nodes { player { name } opponent { name } stats { stat value } } } }
            """, new { date = Date }))["predictions"]!["nodes"]!.AsArray();
        var good = GoodText(nodes[0]!);
        var invented = $"{(string)nodes[1]!["player"]!["name"]!} is projected for 97.3 points and 41 assists tonight.";

        using var server = WireMockServer.Start();
        // Summaries (cheap model): a grounded answer, then invented numbers for as long as we are asked.
        server.Given(Chat("*cheap-model*")).InScenario("summary").WillSetStateTo("inventing").RespondWith(Completion(good, "cheap-model"));
        server.Given(Chat("*cheap-model*")).InScenario("summary").WhenStateIs("inventing").RespondWith(Completion(invented, "cheap-model"));
        server.Given(Chat("*strong-model*")).RespondWith(Completion(good, "strong-model"));

        await using var llmApp = new NbaApp(database, new Dictionary<string, string?>
        {
            ["Insights:Provider"] = "openai",
            ["Insights:Endpoint"] = server.Url + "/v1",
            ["Insights:ApiKey"] = "test-key",
            ["Insights:Summary:Model"] = "cheap-model",
            ["Insights:Summary:InputPricePer1kTokens"] = "0.5",
            ["Insights:Summary:OutputPricePer1kTokens"] = "1.5",
            ["Insights:DeepDive:Model"] = "strong-model",
            ["Insights:DailyTokenBudgetPerClient"] = "1500",
        });
        const string query = """
            query($date: Date!, $depth: InsightDepth!) { predictions(date: $date, first: 3) { nodes {
              insight(depth: $depth) { id text provider model tokensIn tokensOut cost attempts outcome cached groundingIssues evaluation { name value } } } } }
            """;

        // Grounded: stored as the model wrote it, with its tokens and cost.
        var first = Insights(NbaApp.Data(await llmApp.QueryAsync(query.Replace("first: 3", "first: 1", StringComparison.Ordinal), new { date = Date, depth = "SUMMARY" })))[0];
        Assert.True((string?)first["outcome"] == "GROUNDED", $"{good} → {first["groundingIssues"]}");
        Assert.Equal(("openai", "cheap-model", "GROUNDED", 1), ((string)first["provider"]!, (string)first["model"]!, (string)first["outcome"]!, (int)first["attempts"]!));
        Assert.Equal(good, (string)first["text"]!);
        Assert.Equal((PromptTokens, CompletionTokens), ((int)first["tokensIn"]!, (int)first["tokensOut"]!));
        Assert.Equal(0.3, (double)first["cost"]!, 6); // 420 × 0.5/1k + 60 × 1.5/1k
        Assert.Equal(1.0, Score(first, "Grounded numbers"));
        Assert.Single(server.LogEntries);

        // Deep dives go to the strong model.
        var deep = Insights(NbaApp.Data(await llmApp.QueryAsync(query.Replace("first: 3", "first: 1", StringComparison.Ordinal), new { date = Date, depth = "DEEP_DIVE" })))[0];
        Assert.Equal(("strong-model", "GROUNDED"), ((string)deep["model"]!, (string)deep["outcome"]!));
        Assert.Equal(2, server.LogEntries.Count);

        // The second and third predictions: the summary model now invents numbers. The second one is regenerated
        // once, caught again and replaced by the offline text; by then the client's budget (1,500 tokens) is spent,
        // so the third is written offline without calling the provider. The first is served from the cache.
        var page = Insights(NbaApp.Data(await llmApp.QueryAsync(query, new { date = Date, depth = "SUMMARY" })));
        Assert.True((bool)page[0]["cached"]!);
        Assert.Equal((string)first["id"]!, (string)page[0]["id"]!);
        var replaced = page[1];
        Assert.Equal(("openai", "REPLACED_BY_OFFLINE", 2), ((string)replaced["provider"]!, (string)replaced["outcome"]!, (int)replaced["attempts"]!));
        Assert.DoesNotContain("97.3", (string)replaced["text"]!, StringComparison.Ordinal);
        Assert.Contains("97.3", (string)replaced["groundingIssues"]!, StringComparison.Ordinal);
        Assert.Equal(2 * PromptTokens, (int)replaced["tokensIn"]!);
        Assert.Equal(("offline", "BUDGET_FALLBACK", 0), ((string)page[2]["provider"]!, (string)page[2]["outcome"]!, (int)page[2]["tokensIn"]!));
        Assert.Equal(4, server.LogEntries.Count);

        // Asking again costs nothing: every answer comes from the store.
        var cached = Insights(NbaApp.Data(await llmApp.QueryAsync(query, new { date = Date, depth = "SUMMARY" })));
        Assert.Equal(page.Select(i => (string)i["id"]!), cached.Select(i => (string)i["id"]!));
        Assert.Equal(4, server.LogEntries.Count);

        var sent = server.LogEntries[0].RequestMessage.Body!;
        Assert.Contains((string)nodes[0]!["player"]!["name"]!, sent, StringComparison.Ordinal); // the prompt carries the facts

        var stats = NbaApp.Data(await llmApp.QueryAsync("""
            { insightStats { promptId promptVersion provider insights tokensIn tokensOut cost regenerated replacedByOffline budgetFallbacks providerErrors } }
            """))["insightStats"]!.AsArray();
        var summary = stats.Single(s => (string)s!["promptId"]! == "insight-summary" && (string)s["provider"]! == "openai")!;
        Assert.Equal((2, 3 * PromptTokens, 1, 1), ((int)summary["insights"]!, (int)summary["tokensIn"]!, (int)summary["regenerated"]!, (int)summary["replacedByOffline"]!));
        Assert.Equal(0.9, (double)summary["cost"]!, 6);
        Assert.Equal(1, (int)stats.Single(s => (string)s!["provider"]! == "offline")!["budgetFallbacks"]!);
        Assert.Equal(1, (int)stats.Single(s => (string)s!["promptId"]! == "insight-deep-dive")!["insights"]!);

        // A provider that refuses still leaves the caller with an insight, written offline and not cached under it.
        server.Given(Chat("*broken-model*")).RespondWith(Response.Create().WithStatusCode(400).WithBody("""{"error":{"message":"bad request"}}"""));
        await using var brokenApp = new NbaApp(database, new Dictionary<string, string?>
        {
            ["Insights:Provider"] = "openai",
            ["Insights:Endpoint"] = server.Url + "/v1",
            ["Insights:DeepDive:Model"] = "broken-model",
        });
        var refused = Insights(NbaApp.Data(await brokenApp.QueryAsync(query.Replace("first: 3", "first: 2", StringComparison.Ordinal), new { date = Date, depth = "DEEP_DIVE" })))[1];
        Assert.Equal(("offline", "PROVIDER_ERROR"), ((string)refused["provider"]!, (string)refused["outcome"]!));
        Assert.InRange(Sentences((string)refused["text"]!), 5, 6);
    }

    private static IRequestBuilder Chat(string model) =>
        Request.Create().WithPath("/v1/chat/completions").UsingPost().WithBody(new WildcardMatcher(model));

    private static IResponseBuilder Completion(string text, string model) => Response.Create()
        .WithHeader("Content-Type", "application/json")
        .WithBody(new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = PromptTokens, ["completion_tokens"] = CompletionTokens, ["total_tokens"] = PromptTokens + CompletionTokens },
        }.ToJsonString());

    private static string GoodText(JsonNode prediction)
    {
        var points = prediction["stats"]!.AsArray().Single(s => (string)s!["stat"]! == "PTS")!["value"]!.GetValue<double>();
        return $"{(string)prediction["player"]!["name"]!} is projected for {points.ToString("0.0", CultureInfo.InvariantCulture)} points against the " +
               $"{(string)prediction["opponent"]!["name"]!}. Recent form is the biggest driver. The range around that number is wide.";
    }

    private static JsonNode Node(JsonNode data) => data["predictions"]!["nodes"]![0]!;

    private static List<JsonNode> Insights(JsonNode data) => [.. data["predictions"]!["nodes"]!.AsArray().Select(n => n!["insight"]!)];

    private static double Score(JsonNode insight, string name) =>
        (double)insight["evaluation"]!.AsArray().Single(e => (string)e!["name"]! == name)!["value"]!;

    private static int Sentences(string text) => text.Split(". ", StringSplitOptions.RemoveEmptyEntries).Length;

    private static string FirstNumber(string text) =>
        System.Text.RegularExpressions.Regex.Match(text, @"(?<![\w.])\d+(?:\.\d)?(?!\w)").Value;
}

public sealed class SqliteInsightTests() : InsightTests(Provider.Sqlite);

public sealed class PostgresInsightTests() : InsightTests(Provider.Postgres);
