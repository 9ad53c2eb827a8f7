using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Experiments;
using NbaPredict.Core.Features.Models;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests.Rest;

[CollectionDefinition(Name)]
public sealed class RestFixtureGroup : ICollectionFixture<RestFixture>
{
    public const string Name = "rest";
}

/// <summary>
/// One SQLite database with two season slices, two tiny models (the first promoted), an experiment between them and
/// a stored day of predictions: every REST endpoint has something real to answer with.
/// </summary>
public sealed class RestFixture : IAsyncLifetime
{
    public const string PredictedDate = "2023-11-10";

    /// <summary>A game with no box score yet (GSW at home to DEN on 2023-12-25), for injury reports.</summary>
    public const string UpcomingGameId = "0022399902";

    private TestDatabase database = null!;

    public NbaApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Provider.Sqlite);
        App = new NbaApp(database);
        await App.ImportTwoSeasonSlicesAsync(days: 20);
        await App.AddUpcomingGameAsync(UpcomingGameId, new DateOnly(2023, 12, 25), "GSW", "DEN");
        await using var scope = App.Services.CreateAsyncScope();
        var trainer = scope.ServiceProvider.GetRequiredService<ModelTrainingService>();
        var production = await trainer.TrainAsync(new TrainingRequest(Promote: true, Options: TestTraining.Tiny));
        var candidate = await trainer.TrainAsync(new TrainingRequest(Promote: false, Options: TestTraining.Tiny));
        await scope.ServiceProvider.GetRequiredService<ExperimentService>().CreateAsync(
            "tiny vs tiny", ExperimentUnit.Player, [new ExperimentVariant(production.Model.Version, 1), new ExperimentVariant(candidate.Model.Version, 1)]);
        // Stored first, so REST and GraphQL both read the same rows (a fresh refresh answers before the round trip).
        NbaApp.Data(await App.QueryAsync($$"""{ predictions(date: "{{PredictedDate}}") { totalCount } }"""));
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await database.DisposeAsync();
    }
}
