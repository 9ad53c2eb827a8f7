using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Models;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests;

public abstract class ModelRegistryTests(Provider provider) : IAsyncLifetime
{
    private TestDatabase database = null!;
    private NbaApp app = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(provider);
        app = new NbaApp(database);
        await app.ImportTwoSeasonSlicesAsync(days: 8);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    private async Task<ModelVersion> TrainAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ModelTrainingService>().TrainAsync(new TrainingRequest(Options: TestTraining.Tiny))).Model;
    }

    [Fact]
    public async Task Promoting_archives_the_previous_production_model_and_swaps_the_served_one()
    {
        var first = await TrainAsync();
        var second = await TrainAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<ModelRegistryService>();
        var served = app.Services.GetRequiredService<ProductionModel>();

        using var socket = await GraphQLWebSocket.ConnectAsync(app);
        await socket.SubscribeAsync("m", "subscription { modelPromoted { version stage } }");
        await GraphQLWebSocket.WaitForSubscriberAsync(app, NbaPredict.Core.Events.Topics.ModelPromoted);

        Assert.Null(await registry.GetProductionAsync());
        await registry.PromoteAsync(first.Version);
        Assert.Equal(first.Version, served.Current!.Version.Version);
        var promotedEvent = (await socket.ReceiveAsync())["payload"]!["data"]!["modelPromoted"]!;
        Assert.Equal((first.Version, "PRODUCTION"), ((string)promotedEvent["version"]!, (string)promotedEvent["stage"]!));
        var viaGraphQL = NbaApp.Data(await app.QueryAsync("mutation($v: String!) { promoteModel(version: $v) { model { version stage } errors { code } } }", new { v = second.Version }))["promoteModel"]!;
        Assert.Equal("PRODUCTION", (string)viaGraphQL["model"]!["stage"]!);
        Assert.Equal(second.Version, (string)(await socket.ReceiveAsync())["payload"]!["data"]!["modelPromoted"]!["version"]!);

        var all = await registry.ListAsync();
        Assert.Equal(ModelStage.Production, all.Single(m => m.Version == second.Version).Stage);
        Assert.Equal(ModelStage.Archived, all.Single(m => m.Version == first.Version).Stage);
        Assert.Single(all, m => m.Stage == ModelStage.Production);
        Assert.Equal(second.Version, served.Current!.Version.Version);
    }

    [Fact]
    public async Task Predictions_keep_succeeding_while_models_are_promoted_back_and_forth()
    {
        var first = await TrainAsync();
        var second = await TrainAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ModelRegistryService>().PromoteAsync(first.Version);
        }

        using var stop = new CancellationTokenSource();
        var served = new System.Collections.Concurrent.ConcurrentBag<string>();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        async Task PredictLoop()
        {
            while (!stop.IsCancellationRequested)
            {
                await using var scope = app.Services.CreateAsyncScope();
                try
                {
                    var prediction = await scope.ServiceProvider.GetRequiredService<PredictionService>()
                        .PredictWhatIfAsync(201939, "LAL", home: true, new DateOnly(2023, 12, 25));
                    served.Add(prediction.ModelVersion);
                    if (prediction.Stats.Count != 8)
                    {
                        failures.Add($"{prediction.Stats.Count} stats");
                    }
                }
                catch (Exception ex)
                {
                    failures.Add(ex.GetType().Name + ": " + ex.Message);
                }
            }
        }

        var loops = Enumerable.Range(0, 3).Select(_ => Task.Run(PredictLoop)).ToList();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var registry = scope.ServiceProvider.GetRequiredService<ModelRegistryService>();
            for (var i = 0; i < 6; i++)
            {
                await Task.Delay(150);
                await registry.PromoteAsync(i % 2 == 0 ? second.Version : first.Version);
            }
        }

        await Task.Delay(150);
        await stop.CancelAsync();
        await Task.WhenAll(loops);

        Assert.Empty(failures);
        Assert.True(served.Count > 20, $"only {served.Count} predictions were made during the swaps");
        Assert.Equal([first.Version, second.Version], served.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_model_whose_artifact_cannot_be_loaded_is_refused_and_production_is_unchanged()
    {
        var good = await TrainAsync();
        var broken = await TrainAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<ModelRegistryService>();
        await registry.PromoteAsync(good.Version);
        File.Delete(Path.Combine(registry.ArtifactDirectory(broken), "manifest.json"));

        var refused = await Assert.ThrowsAsync<DomainException>(() => registry.PromoteAsync(broken.Version));

        Assert.Equal("MODEL_ARTIFACT_INVALID", refused.Code);
        Assert.Equal(good.Version, (await registry.GetProductionAsync())!.Version);
        Assert.Equal(ModelStage.Candidate, (await registry.GetAsync(broken.Version))!.Stage);
    }

    [Fact]
    public async Task Experiments_follow_their_lifecycle_and_only_one_runs_per_unit()
    {
        var a = (await TrainAsync()).Version;
        var b = (await TrainAsync()).Version;
        const string create = """
            mutation($name: String!, $unit: ExperimentUnit!, $variants: [ExperimentVariantInput!]!) {
              createExperiment(input: { name: $name, unit: $unit, variants: $variants }) { experiment { experimentId status variants { modelVersion weight } } errors { code message } }
            }
            """;
        var variants = new[] { new { modelVersion = a, weight = 50 }, new { modelVersion = b, weight = 50 } };

        var first = NbaApp.Data(await app.QueryAsync(create, new { name = "l1 vs quick", unit = "PLAYER", variants }))["createExperiment"]!;
        var second = NbaApp.Data(await app.QueryAsync(create, new { name = "rematch", unit = "PLAYER", variants }))["createExperiment"]!;
        var unknown = NbaApp.Data(await app.QueryAsync(create, new { name = "bad", unit = "CLIENT", variants = new[] { new { modelVersion = a, weight = 1 }, new { modelVersion = "nope", weight = 1 } } }))["createExperiment"]!;
        var single = NbaApp.Data(await app.QueryAsync(create, new { name = "bad", unit = "CLIENT", variants = new[] { new { modelVersion = a, weight = 1 } } }))["createExperiment"]!;
        int Id(System.Text.Json.Nodes.JsonNode payload) => (int)payload["experiment"]!["experimentId"]!;
        const string transition = "mutation($id: Int!) { start: startExperiment(experimentId: $id) { experiment { status } errors { code } } }";
        const string stop = "mutation($id: Int!) { stopExperiment(experimentId: $id) { experiment { status } errors { code } } }";

        Assert.Equal("DRAFT", (string)first["experiment"]!["status"]!);
        Assert.Equal("MODEL_NOT_FOUND", (string)unknown["errors"]![0]!["code"]!);
        Assert.Equal("INVALID_EXPERIMENT", (string)single["errors"]![0]!["code"]!);
        Assert.Equal("RUNNING", (string)NbaApp.Data(await app.QueryAsync(transition, new { id = Id(first) }))["start"]!["experiment"]!["status"]!);
        Assert.Equal("EXPERIMENT_CONFLICT", (string)NbaApp.Data(await app.QueryAsync(transition, new { id = Id(second) }))["start"]!["errors"]![0]!["code"]!);
        Assert.Equal("INVALID_TRANSITION", (string)NbaApp.Data(await app.QueryAsync(transition, new { id = Id(first) }))["start"]!["errors"]![0]!["code"]!);
        Assert.Equal("STOPPED", (string)NbaApp.Data(await app.QueryAsync(stop, new { id = Id(first) }))["stopExperiment"]!["experiment"]!["status"]!);
        Assert.Equal("RUNNING", (string)NbaApp.Data(await app.QueryAsync(transition, new { id = Id(second) }))["start"]!["experiment"]!["status"]!);

        var listed = NbaApp.Data(await app.QueryAsync("{ experiments { name status variants { modelVersion } } }"))["experiments"]!.AsArray();
        Assert.Equal(["RUNNING", "STOPPED"], listed.Select(e => (string)e!["status"]!));
    }

    [Fact]
    public async Task Unknown_versions_are_domain_errors()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<ModelRegistryService>();

        var missing = await Assert.ThrowsAsync<DomainException>(() => registry.PromoteAsync("nope"));

        Assert.Equal("MODEL_NOT_FOUND", missing.Code);
    }
}

public sealed class SqliteModelRegistryTests() : ModelRegistryTests(Provider.Sqlite);

public sealed class PostgresModelRegistryTests() : ModelRegistryTests(Provider.Postgres);
