using Microsoft.Playwright;

namespace NbaPredict.IntegrationTests.Infrastructure;

/// <summary>
/// The system Chromium (<c>NBAPREDICT_CHROMIUM</c>, default /usr/bin/chromium; build.sh installs it) driven headless by
/// Playwright, with every request that leaves the loopback interface aborted and recorded: our pages must work offline.
/// A missing browser fails the test; no browser is ever downloaded.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ChromiumVariable = "NBAPREDICT_CHROMIUM";

    /// <summary>Set to 1 to refresh the committed screenshots under docs/ from the browser tests' screenshots.</summary>
    public const string UpdateDocsScreenshotVariable = "NBAPREDICT_UPDATE_DOCS_SCREENSHOT";

    public const float Timeout = 60_000;

    private readonly List<string> _external = [];

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        Playwright = playwright;
        Browser = browser;
    }

    public IPlaywright Playwright { get; }

    public IBrowser Browser { get; }

    /// <summary>Requests that tried to leave loopback (and were aborted).</summary>
    public IReadOnlyList<string> ExternalRequests
    {
        get
        {
            lock (_external)
            {
                return [.. _external];
            }
        }
    }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ChromiumVariable);
        var path = string.IsNullOrEmpty(configured) ? "/usr/bin/chromium" : configured;
        Assert.True(File.Exists(path),
            $"Chromium not found at {path}: install it (apt-get install -y chromium; ./build.sh test does this) or point " +
            $"{ChromiumVariable} at a Chromium or Chrome executable. This test never downloads a browser.");
        // Expect(...) polls up to 5 s by default; a page on a busy 2-core machine can take longer.
        Assertions.SetDefaultExpectTimeout(Timeout);
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = path,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
        return new HeadlessChromium(playwright, browser);
    }

    /// <summary>A new context whose non-loopback requests are aborted and recorded in <see cref="ExternalRequests"/>.</summary>
    public async Task<IBrowserContext> NewOfflineContextAsync(int width, int height)
    {
        var context = await Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height },
            // Playwright routes the page's requests only; a service worker's own fetches would bypass the check below.
            ServiceWorkers = ServiceWorkerPolicy.Block,
        });
        context.SetDefaultTimeout(Timeout);
        await context.RouteAsync("**/*", async route =>
        {
            if (new Uri(route.Request.Url).IsLoopback)
            {
                await route.FallbackAsync();
                return;
            }

            lock (_external)
            {
                _external.Add(route.Request.Method + " " + route.Request.Url);
            }

            await route.AbortAsync("internetdisconnected");
        });
        return context;
    }

    /// <summary>Asserts that no page of this browser tried to reach the internet.</summary>
    public void AssertStayedOffline(string what)
    {
        var external = ExternalRequests;
        Assert.True(external.Count == 0, $"{what} tried to reach the internet:\n" + string.Join("\n", external));
    }

    /// <summary>The path of a screenshot under the test output's artifacts/ folder (created).</summary>
    public static string ArtifactPath(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "artifacts", fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>With <see cref="UpdateDocsScreenshotVariable"/>=1, copies a screenshot into the repository's docs/.</summary>
    public static void PublishToDocs(string screenshot, string docsFileName)
    {
        if (Environment.GetEnvironmentVariable(UpdateDocsScreenshotVariable) == "1")
        {
            File.Copy(screenshot, Path.Combine(TestEnvironment.RepositoryRoot, "docs", docsFileName), overwrite: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }
}
