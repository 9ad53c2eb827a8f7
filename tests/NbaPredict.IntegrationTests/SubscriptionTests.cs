using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Events;
using NbaPredict.Core.Features.Models;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests;

/// <summary>
/// Two API instances on one PostgreSQL and one real Redis: refreshPredictions on instance A reaches a
/// graphql-transport-ws subscriber on instance B.
/// </summary>
public sealed class SubscriptionTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private TestDatabase database = null!;
    private NbaApp instanceA = null!;
    private NbaApp instanceB = null!;

    public async Task InitializeAsync()
    {
        var redis = Environment.GetEnvironmentVariable(TestEnvironment.RedisVariable);
        Assert.False(string.IsNullOrWhiteSpace(redis), $"{TestEnvironment.RedisVariable} is not set: run the tests with ./build.sh test");
        database = await TestDatabase.CreateAsync(Provider.Postgres);
        var shared = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis };
        instanceA = new NbaApp(database, shared);
        instanceB = new NbaApp(database, shared);
        await instanceA.ImportTwoSeasonSlicesAsync(days: 15);
        await using var scope = instanceA.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ModelTrainingService>().TrainAsync(new TrainingRequest(
            Promote: true,
            Options: TestTraining.Tiny));
    }

    public async Task DisposeAsync()
    {
        await instanceA.DisposeAsync();
        await instanceB.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Refresh_on_instance_A_reaches_a_subscriber_on_instance_B()
    {
        var game = NbaApp.Data(await instanceB.QueryAsync("""{ games(date: "2023-11-08", first: 1) { nodes { nbaGameId } } }"""))["games"]!["nodes"]![0]!;
        var gameId = (string)game["nbaGameId"]!;
        using var socket = await GraphQLWebSocket.ConnectAsync(instanceB);
        await socket.SubscribeAsync("1", "subscription($g: ID) { predictionUpdated(gameId: $g) { game { nbaGameId } player { name } stats { stat value } } }", new { g = gameId });
        if (instanceB.Services.GetRequiredService<IEventBus>() is RedisEventBus redisBus)
        {
            await redisBus.WhenSubscribedAsync(Topics.PredictionsForGame(gameId)).WaitAsync(Patience);
        }
        else
        {
            Assert.Fail("instance B should use the Redis event bus when ConnectionStrings:Redis is set");
        }

        var refresh = NbaApp.Data(await instanceA.QueryAsync("""mutation { refreshPredictions(date: "2023-11-08") { count errors { code } } }"""))["refreshPredictions"]!;
        Assert.Empty(refresh["errors"]!.AsArray());

        var next = await socket.ReceiveAsync();
        Assert.Equal("next", (string)next["type"]!);
        Assert.Equal("1", (string)next["id"]!);
        var prediction = next["payload"]!["data"]!["predictionUpdated"]!;
        Assert.Equal(gameId, (string)prediction["game"]!["nbaGameId"]!);
        Assert.Equal(8, prediction["stats"]!.AsArray().Count);
    }
}
