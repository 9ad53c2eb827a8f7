using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Models;
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
        _ = app.Services;
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    private static ModelVersion NewModel(ModelRegistryService registry, string version)
    {
        var model = new ModelVersion
        {
            Version = version,
            CreatedAt = DateTimeOffset.UtcNow,
            FeatureSchemaVersion = "test-schema",
            TrainFrom = new DateOnly(2015, 10, 1),
            TrainTo = new DateOnly(2022, 6, 30),
            CalibrationFrom = new DateOnly(2022, 10, 1),
            CalibrationTo = new DateOnly(2023, 6, 30),
            TrainingRows = 1000,
            DataHash = new string('a', 64),
            ArtifactPath = version,
            HyperparametersJson = "{}",
            MetricsJson = "{}",
        };
        Directory.CreateDirectory(registry.ArtifactDirectory(model));
        return model;
    }

    [Fact]
    public async Task Promoting_archives_the_previous_production_model()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<ModelRegistryService>();
        await registry.RegisterAsync(NewModel(registry, "m1"));
        await registry.RegisterAsync(NewModel(registry, "m2"));

        Assert.Null(await registry.GetProductionAsync());
        await registry.PromoteAsync("m1");
        Assert.Equal("m1", (await registry.GetProductionAsync())!.Version);
        await registry.PromoteAsync("m2");

        var all = await registry.ListAsync();
        Assert.Equal(ModelStage.Production, all.Single(m => m.Version == "m2").Stage);
        Assert.Equal(ModelStage.Archived, all.Single(m => m.Version == "m1").Stage);
        Assert.Single(all, m => m.Stage == ModelStage.Production);
    }

    [Fact]
    public async Task Unknown_versions_and_duplicates_are_domain_errors()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<ModelRegistryService>();
        await registry.RegisterAsync(NewModel(registry, "m1"));

        var missing = await Assert.ThrowsAsync<DomainException>(() => registry.PromoteAsync("nope"));
        var duplicate = await Assert.ThrowsAsync<DomainException>(() => registry.RegisterAsync(NewModel(registry, "m1")));

        Assert.Equal("MODEL_NOT_FOUND", missing.Code);
        Assert.Equal("MODEL_VERSION_EXISTS", duplicate.Code);
    }
}

public sealed class SqliteModelRegistryTests() : ModelRegistryTests(Provider.Sqlite);

public sealed class PostgresModelRegistryTests() : ModelRegistryTests(Provider.Postgres);
