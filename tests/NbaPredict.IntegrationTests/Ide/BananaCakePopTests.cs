using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
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
    public const string ChromiumVariable = "NBAPREDICT_CHROMIUM";

    /// <summary>Set to 1 to refresh the committed docs/banana-cake-pop.png from this test's screenshot.</summary>
    public const string UpdateDocsScreenshotVariable = "NBAPREDICT_UPDATE_DOCS_SCREENSHOT";

    private const float Timeout = 60_000;

    private TestDatabase database = null!;
    private NbaApp app = null!;
    private Uri baseAddress = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Provider.Sqlite);
        app = new NbaApp(database);
        app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        baseAddress = new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal)));
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
        var chromium = ChromiumPath();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
        await using var context = await browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 1400, Height = 900 },
            // Playwright routes the page's requests only; a service worker's own fetches would bypass the check below.
            ServiceWorkers = ServiceWorkerPolicy.Block,
        });
        context.SetDefaultTimeout(Timeout);

        var external = new List<string>();
        await context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.IsLoopback)
            {
                await route.ContinueAsync();
                return;
            }

            lock (external)
            {
                external.Add(route.Request.Method + " " + route.Request.Url);
            }

            await route.AbortAsync("internetdisconnected");
        });

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

        var screenshot = Path.Combine(AppContext.BaseDirectory, "artifacts", "banana-cake-pop.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
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

        if (Environment.GetEnvironmentVariable(UpdateDocsScreenshotVariable) == "1")
        {
            File.Copy(screenshot, Path.Combine(TestEnvironment.RepositoryRoot, "docs", "banana-cake-pop.png"), overwrite: true);
        }

        lock (external)
        {
            Assert.True(external.Count == 0, "the IDE tried to reach the internet:\n" + string.Join("\n", external));
        }
    }

    [GeneratedRegex("^Run Operation")]
    private static partial Regex RunButton();

    private static string ChromiumPath()
    {
        var configured = Environment.GetEnvironmentVariable(ChromiumVariable);
        var path = string.IsNullOrEmpty(configured) ? "/usr/bin/chromium" : configured;
        Assert.True(File.Exists(path),
            $"Chromium not found at {path}: install it (apt-get install -y chromium; ./build.sh test does this) or point " +
            $"{ChromiumVariable} at a Chromium or Chrome executable. This test never downloads a browser.");
        return path;
    }
}
