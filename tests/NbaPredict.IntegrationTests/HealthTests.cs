using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests;

/// <summary>/health/live always answers; /health/ready needs the database, Redis when configured, and a model.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private NbaApp app = null!;

    public async Task InitializeAsync()
    {
        var redis = Environment.GetEnvironmentVariable(TestEnvironment.RedisVariable);
        Assert.False(string.IsNullOrWhiteSpace(redis), $"{TestEnvironment.RedisVariable} is not set: run the tests with ./build.sh test");
        database = await TestDatabase.CreateAsync(Provider.Sqlite);
        app = new NbaApp(database, new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis });
        await app.ImportTwoSeasonSlicesAsync(days: 6);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(string path)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(path);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    [Fact]
    public async Task Ready_waits_for_a_production_model_and_checks_database_and_redis()
    {
        var live = await GetAsync("/health/live");
        var before = await GetAsync("/health/ready");
        await app.TrainTinyProductionModelAsync();

        var after = await GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.Status);
        Assert.Equal("Healthy", (string)before.Body["checks"]!["database"]!["status"]!);
        Assert.Equal("Healthy", (string)before.Body["checks"]!["redis"]!["status"]!);
        Assert.StartsWith("ping", (string)before.Body["checks"]!["redis"]!["detail"]!, StringComparison.Ordinal);
        Assert.Equal("Unhealthy", (string)before.Body["checks"]!["model"]!["status"]!);
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.StartsWith("serving m", (string)after.Body["checks"]!["model"]!["detail"]!, StringComparison.Ordinal);
    }
}
