using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests;

/// <summary>trainModel starts a background job whose progress streams over trainingProgress until it succeeds.</summary>
public sealed class TrainingJobTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private NbaApp app = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Provider.Sqlite);
        app = new NbaApp(database);
        await app.ImportTwoSeasonSlicesAsync(days: 6);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Train_model_streams_progress_and_registers_a_promoted_model()
    {
        var started = NbaApp.Data(await app.QueryAsync("mutation { trainModel(quick: true, promote: true) { jobId errors { code } } }"))["trainModel"]!;
        var jobId = (string)started["jobId"]!;
        Assert.Empty(started["errors"]!.AsArray());
        var second = NbaApp.Data(await app.QueryAsync("mutation { trainModel(quick: true) { jobId errors { code } } }"))["trainModel"]!;

        using var socket = await GraphQLWebSocket.ConnectAsync(app);
        await socket.SubscribeAsync("p", "subscription($id: ID!) { trainingProgress(jobId: $id) { state message modelVersion } }", new { id = jobId });
        await GraphQLWebSocket.WaitForSubscriberAsync(app, NbaPredict.Core.Features.Models.TrainingJobs.Topic(jobId));
        var states = new List<string>();
        string? version = null;
        var status = NbaApp.Data(await app.QueryAsync("query($id: ID!) { trainingJob(id: $id) { state modelVersion } }", new { id = jobId }))["trainingJob"]!;
        // The job may already have finished before the subscription started; then the query tells.
        if ((string)status["state"]! == "RUNNING")
        {
            while (version is null)
            {
                var next = await socket.ReceiveAsync();
                Assert.Equal("next", (string)next["type"]!);
                var progress = next["payload"]!["data"]!["trainingProgress"]!;
                states.Add((string)progress["state"]!);
                Assert.NotEqual("FAILED", states[^1]);
                version = (string?)progress["modelVersion"];
            }
        }
        else
        {
            version = (string)status["modelVersion"]!;
        }

        Assert.Equal("TRAINING_IN_PROGRESS", (string)second["errors"]![0]!["code"]!);
        var after = NbaApp.Data(await app.QueryAsync("query($id: ID!) { trainingJob(id: $id) { state modelVersion } models { version stage } }", new { id = jobId }));
        Assert.Equal("SUCCEEDED", (string)after["trainingJob"]!["state"]!);
        Assert.Equal(version, (string)after["trainingJob"]!["modelVersion"]!);
        var model = Assert.Single(after["models"]!.AsArray())!;
        Assert.Equal((version, "PRODUCTION"), ((string)model["version"]!, (string)model["stage"]!));
    }
}
