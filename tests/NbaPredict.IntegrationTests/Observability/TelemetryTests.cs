using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using NbaPredict.Core.Features.Drift;
using NbaPredict.Core.Telemetry;
using NbaPredict.IntegrationTests.Infrastructure;
using NbaPredict.IntegrationTests.Rest;

namespace NbaPredict.IntegrationTests.Observability;

/// <summary>
/// The telemetry of a real app (the REST fixture: imported data, trained and promoted models, stored predictions):
/// the named metrics at /metrics and the GraphQL operation span with its children.
/// </summary>
[Collection(RestFixtureGroup.Name)]
public sealed partial class TelemetryTests(RestFixture fixture)
{
    private NbaApp App => fixture.App;

    [Fact]
    public async Task Metrics_lists_the_named_metrics_in_Prometheus_text_format()
    {
        NbaApp.Data(await App.QueryAsync("query MetricsProbe { players(first: 2) { totalCount } }"));
        NbaApp.Data(await App.QueryAsync("mutation MetricsRefresh { refreshPredictions(date: \"" + RestFixture.PredictedDate + "\") { count } }"));
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DriftService>().RunAsync(recentDays: 10);
        }

        using var socket = await GraphQLWebSocket.ConnectAsync(App);
        await socket.SubscribeAsync("1", "subscription { modelPromoted { version } }");
        var production = await ProductionVersionAsync();

        var text = await ScrapeUntilAsync(t => SampleValue(t, "nbapredict_subscriptions_open", "") >= 1);

        Assert.True(SampleValue(text, "nbapredict_graphql_requests_total", "operation=\"MetricsProbe\"") >= 1, text);
        Assert.Matches(GraphQLDurationBucket(), text);
        Assert.True(SampleValue(text, "nbapredict_prediction_duration_seconds_count", "kind=\"slate\"") >= 1, text);
        Assert.Equal(1, SampleValue(text, "nbapredict_model_production", $"version=\"{production}\""));
        Assert.True(SampleValue(text, "nbapredict_job_duration_seconds_count", "job=\"training\"") >= 2, text);
        Assert.True(SampleValue(text, "nbapredict_job_duration_seconds_count", "job=\"import\"") >= 1, text);
        Assert.True(SampleValue(text, "nbapredict_drift_score", "kind=\"max_feature_psi\"") >= 0, text);
        Assert.Contains("# TYPE nbapredict_graphql_requests_total counter", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_GraphQL_operation_is_one_span_named_after_it_with_resolver_database_and_inference_children()
    {
        var finished = await SpanCapture.CaptureAsync(App, async client =>
        {
            using var response = await client.PostAsync("/graphql", JsonContent(
                "query TracedSlate { players(search: \"Jokic\") { nodes { name team { abbreviation } } } games(date: \"" + RestFixture.PredictedDate + "\") { nodes { boxScore { pts } } } }"));
            response.EnsureSuccessStatusCode();
            using var refresh = await client.PostAsync("/graphql", JsonContent("mutation TracedRefresh { refreshPredictions(date: \"" + RestFixture.PredictedDate + "\") { count } }"));
            refresh.EnsureSuccessStatusCode();
        });

        var query = Assert.Single(finished, a => a.Source.Name == NbaTelemetry.GraphQLSourceName && a.DisplayName == "query TracedSlate");
        var trace = finished.Where(a => a.TraceId == query.TraceId).ToList();
        Assert.Equal("TracedSlate", query.GetTagItem("graphql.operation.name"));
        Assert.Contains(trace, a => a.Source.Name == "Microsoft.AspNetCore" && a.SpanId == query.ParentSpanId);
        Assert.Contains(trace, a => a.DisplayName == "resolve players" && a.ParentSpanId == query.SpanId);
        Assert.Contains(trace, a => a.DisplayName == "resolve games" && a.ParentSpanId == query.SpanId);
        // DataLoader fetches (teams, box scores) run after the root fields: their database spans hang off the operation.
        // The credential lookup (the API key) runs before the operation, in the authentication middleware: not its child.
        var database = trace.Where(a => (a.GetTagItem("db.system") is not null || a.GetTagItem("db.system.name") is not null)
            && a.StartTimeUtc >= query.StartTimeUtc).ToList();
        Assert.NotEmpty(database);
        Assert.All(database, d => Assert.True(SpanCapture.IsDescendant(d, query, trace), $"{d.DisplayName} is not under the operation span"));
        Assert.Contains(database, d => d.ParentSpanId == query.SpanId);

        var mutation = Assert.Single(finished, a => a.Source.Name == NbaTelemetry.GraphQLSourceName && a.DisplayName == "mutation TracedRefresh");
        var inference = Assert.Single(finished, a => a.Source.Name == NbaTelemetry.InferenceSourceName && a.TraceId == mutation.TraceId);
        Assert.Equal("predict slate", inference.DisplayName);
        Assert.True(SpanCapture.IsDescendant(inference, mutation, finished));
        Assert.NotNull(inference.GetTagItem("nbapredict.model.version"));
    }

    [Fact]
    public void Logs_are_JSON_lines_carrying_scopes_with_trace_and_span_ids()
    {
        var tracking = App.Services.GetRequiredService<IOptions<LoggerFactoryOptions>>().Value.ActivityTrackingOptions;
        var console = App.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        var json = App.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;

        Assert.True(tracking.HasFlag(ActivityTrackingOptions.TraceId) && tracking.HasFlag(ActivityTrackingOptions.SpanId), tracking.ToString());
        Assert.Equal(ConsoleFormatterNames.Json, console.FormatterName);
        Assert.True(json.IncludeScopes);
        Assert.True(json.UseUtcTimestamp);
    }

    private static StringContent JsonContent(string query) =>
        new(System.Text.Json.JsonSerializer.Serialize(new { query }), System.Text.Encoding.UTF8, "application/json");

    private async Task<string> ProductionVersionAsync() =>
        (string)NbaApp.Data(await App.QueryAsync("{ models { version stage } }"))["models"]!.AsArray().Single(m => (string)m!["stage"]! == "PRODUCTION")!["version"]!;

    /// <summary>Scrapes until <paramref name="ready"/> holds (a subscription attaches just after its subscriber registers).</summary>
    private async Task<string> ScrapeUntilAsync(Func<string, bool> ready)
    {
        using var client = App.CreateClient();
        var deadline = DateTime.UtcNow + GraphQLWebSocket.Patience;
        while (true)
        {
            var text = await client.GetStringAsync("/metrics");
            if (ready(text) || DateTime.UtcNow > deadline)
            {
                return text;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The largest value of <paramref name="metric"/> among samples whose labels contain <paramref name="label"/>; -1 when none.</summary>
    private static double SampleValue(string text, string metric, string label) =>
        text.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(l => l.Contains(label, StringComparison.Ordinal))
            .Select(ValueOf)
            .DefaultIfEmpty(-1)
            .Max();

    /// <summary>The value of a sample line: <c>name{labels} value [timestamp]</c> or <c>name value [timestamp]</c>.</summary>
    private static double ValueOf(string line)
    {
        var afterName = line.Contains('}', StringComparison.Ordinal) ? line[(line.LastIndexOf('}') + 1)..] : line[line.IndexOf(' ', StringComparison.Ordinal)..];
        return double.Parse(afterName.Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("""nbapredict_graphql_duration_seconds_bucket\{[^}]*operation="MetricsProbe"[^}]*\} \d+""")]
    private static partial Regex GraphQLDurationBucket();
}
