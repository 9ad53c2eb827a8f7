using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Events;
using NbaPredict.IntegrationTests.Infrastructure;
using NbaPredict.Workers.Cli;

namespace NbaPredict.IntegrationTests.Jobs;

/// <summary>
/// <c>nbapredict replay</c> as its own process would run it, next to an API instance on PostgreSQL: with Redis
/// configured the API's WebSocket subscriber sees the predictions the command publishes.
/// </summary>
public sealed class ReplayCommandTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private NbaApp api = null!;
    private Dictionary<string, string?> shared = null!;

    public async Task InitializeAsync()
    {
        var redis = Environment.GetEnvironmentVariable(TestEnvironment.RedisVariable);
        Assert.False(string.IsNullOrWhiteSpace(redis), $"{TestEnvironment.RedisVariable} is not set: run the tests with ./build.sh test");
        database = await TestDatabase.CreateAsync(Provider.Postgres);
        api = new NbaApp(database, new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis });
        shared = new Dictionary<string, string?>(database.Configuration) { ["ConnectionStrings:Redis"] = redis };
        await api.ImportTwoSeasonSlicesAsync(days: 8);
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Replay_command_reaches_a_subscriber_of_the_api_through_redis()
    {
        var (noModel, _, noModelError) = await RunAsync("replay", "--season", "2023-24", "--from", "2023-11-05", "--days", "2");
        Assert.Equal(2, noModel);
        Assert.Contains("no production model yet", noModelError, StringComparison.Ordinal);

        await api.TrainTinyProductionModelAsync();

        // A game that only the replay will predict: it is not imported yet.
        const string day = "2023-11-05";
        using var socket = await GraphQLWebSocket.ConnectAsync(api);
        await socket.SubscribeAsync("r", "subscription { predictionUpdated { game { nbaGameId date } modelVersion } }");
        var bus = Assert.IsType<RedisEventBus>(api.Services.GetRequiredService<IEventBus>());
        await bus.WhenSubscribedAsync(Topics.Predictions).WaitAsync(GraphQLWebSocket.Patience);

        var (exit, output, error) = await RunAsync("replay", "--season", "2023-24", "--from", day, "--days", "2");

        Assert.True(exit == 0, error + output);
        Assert.Contains("[1/2] 2023-11-05:", output, StringComparison.Ordinal);
        Assert.Contains("[2/2] 2023-11-06:", output, StringComparison.Ordinal);
        JsonNodeAssert(await socket.ReceiveAsync(), day);
        await using var db = api.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<NbaPredict.Core.Data.NbaDbContext>>().CreateDbContext();
        Assert.Equal(16, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.ModelScores));
    }

    private static void JsonNodeAssert(System.Text.Json.Nodes.JsonObject message, string day)
    {
        Assert.Equal("next", (string)message["type"]!);
        Assert.Equal(day, (string)message["payload"]!["data"]!["predictionUpdated"]!["game"]!["date"]!);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(shared).Build();
        var exit = await NbaCli.RunAsync(args, output, error, configuration);
        return (exit, output.ToString(), error.ToString());
    }
}

/// <summary>Bad input to <c>replay</c> and <c>serve</c> exits 2 with one line naming the problem.</summary>
public sealed class ReplayCommandInputTests : IDisposable
{
    private readonly DirectoryInfo dataDirectory = Directory.CreateTempSubdirectory("nbapredict-replay-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        dataDirectory.Delete(recursive: true);
    }

    [Theory]
    [InlineData(new[] { "replay", "--season", "2023", "--from", "2023-11-05", "--days", "2" }, "is not a season label")]
    [InlineData(new[] { "replay", "--season", "2023-24", "--from", "5 Nov", "--days", "2" }, "is not a date")]
    [InlineData(new[] { "replay", "--season", "2023-24", "--from", "2023-11-05", "--days", "0" }, "--days must be a whole number")]
    [InlineData(new[] { "replay", "--season", "2023-24", "--from", "2022-11-05", "--days", "2" }, "is not inside season 2023-24")]
    [InlineData(new[] { "replay", "--season", "2023-24", "--from", "2023-11-05" }, "missing required option --days")]
    [InlineData(new[] { "serve", "--port", "1" }, "unknown option --port")]
    public async Task Bad_input_is_one_line(string[] args, string reason)
    {
        var (exit, _, error) = await RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Contains(reason, Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["NBAPREDICT_DATA_DIR"] = dataDirectory.FullName }).Build();
        var exit = await NbaCli.RunAsync(args, output, error, configuration);
        return (exit, output.ToString(), error.ToString());
    }
}
