using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NbaPredict.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace NbaPredict.IntegrationTests.Ide;

/// <summary>
/// Banana Cake Pop at GET /graphql in a real headless Chromium against the real API on a Kestrel socket
/// (docs/decisions/0006-graphql-ide.md). Chromium is the system one (<c>NBAPREDICT_CHROMIUM</c>, default
/// /usr/bin/chromium; build.sh installs it); a missing browser fails the test, and no browser is ever downloaded.
/// Every request that leaves the loopback interface is aborted and fails the test: the IDE must work offline.
/// </summary>
public sealed partial class BananaCakePopTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestDatabase database = null!;
    private NbaApp app = null!;
    private Uri baseAddress = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Provider.Sqlite);
        app = new NbaApp(database);
        baseAddress = app.StartOnLoopback();
        var input = Path.Combine(database.DataDirectory, "input");
        TestEnvironment.WriteSeasonSlice(input, "2023-24", days: 14);
        var report = await app.ImportAsync(input);
        Assert.False(report.AnyFileRejected);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Browser_at_graphql_gets_the_IDE_which_runs_the_start_query_against_the_API_offline()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        await using var context = await chromium.NewOfflineContextAsync(1400, 900);

        var page = await context.NewPageAsync();
        page.Console += (_, m) => output.WriteLine($"console.{m.Type}: {m.Text}");
        page.PageError += (_, e) => output.WriteLine("page error: " + e);
        var graphqlPosts = 0;
        page.Request += (_, r) =>
        {
            if (r.Method == "POST" && r.Url.EndsWith("/graphql", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref graphqlPosts);
            }
        };

        var screenshot = HeadlessChromium.ArtifactPath("banana-cake-pop.png");
        try
        {
            // A browser navigation: GET /graphql accepting text/html, no query parameter.
            var response = await page.GotoAsync(new Uri(baseAddress, "/graphql").ToString());
            Assert.NotNull(response);
            Assert.Equal(200, response.Status);
            Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
            Assert.Equal("Banana Cake Pop", await page.TitleAsync());

            // A new document starts with the configured operations, against this page's own /graphql.
            await page.GetByRole(AriaRole.Button, new() { Name = "Create Document" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Query: PlayerSearch" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText(baseAddress.Authority, new() { Exact = true })).ToBeVisibleAsync();

            // The schema loads (from the SDL endpoint; the 13-level introspection query exceeds the depth limit).
            await Assertions.Expect(page.GetByText("Schema available", new() { Exact = true })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("No Schema", new() { Exact = true })).ToHaveCountAsync(0);

            await page.GetByRole(AriaRole.Button, new() { NameRegex = RunButton() }).ClickAsync();

            // The response panel shows real data from the imported slice.
            var responsePanel = page.Locator(".monaco-editor").Filter(new() { HasText = "\"data\"" });
            await Assertions.Expect(responsePanel).ToContainTextAsync("Stephen Curry");
            await Assertions.Expect(responsePanel).ToContainTextAsync("GSW");
            await Assertions.Expect(responsePanel).ToContainTextAsync("totalCount");
            Assert.True(graphqlPosts > 0, "the IDE never POSTed to /graphql");
        }
        finally
        {
            await page.ScreenshotAsync(new() { Path = screenshot });
            output.WriteLine("screenshot: " + screenshot);
        }

        HeadlessChromium.PublishToDocs(screenshot, "banana-cake-pop.png");
        chromium.AssertStayedOffline("the IDE");
    }

    [GeneratedRegex("^Run Operation")]
    private static partial Regex RunButton();
}
