using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests.Observability;

/// <summary>
/// The console format is JSON unless configuration asks for "simple", as the launch profile of
/// <c>dotnet run --project src/NbaPredict.Graph</c> does for a person reading the console.
/// </summary>
public sealed class ConsoleFormatTests
{
    [Fact]
    public async Task Asking_for_the_simple_formatter_gives_single_line_human_logs()
    {
        await using var database = await TestDatabase.CreateAsync(Provider.Sqlite);
        await using var app = new NbaApp(database, new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = "simple" });
        var console = app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        var simple = app.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;

        Assert.Equal(ConsoleFormatterNames.Simple, console.FormatterName);
        Assert.True(simple.SingleLine);
    }

    [Fact]
    public void The_launch_profile_of_dotnet_run_asks_for_the_simple_formatter()
    {
        var path = Path.Combine(TestEnvironment.RepositoryRoot, "src", "NbaPredict.Graph", "Properties", "launchSettings.json");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        var profile = json.RootElement.GetProperty("profiles").EnumerateObject().First().Value;
        Assert.Equal("simple", profile.GetProperty("environmentVariables").GetProperty("Logging__Console__FormatterName").GetString());

        // The profile must not move the app off its documented address or environment.
        Assert.False(profile.TryGetProperty("applicationUrl", out _));
        Assert.False(profile.GetProperty("environmentVariables").TryGetProperty("ASPNETCORE_ENVIRONMENT", out _));
    }
}
