using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Experiments;
using NbaPredict.Core.Features.Models;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.IntegrationTests.Infrastructure;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.IntegrationTests;

/// <summary>
/// A/B experiments on real data: two trained model versions, a running experiment routing players to variants,
/// past dates predicted (served and shadow rows), results computed from the real box scores, assignment stable
/// across a restart, and concluding with promotion of the winner.
/// </summary>
public abstract class ExperimentTests(Provider provider) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> SmallSample = new() { [ExperimentService.MinimumSampleSizeKey] = "40" };
    private TestDatabase database = null!;
    private NbaApp app = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(provider);
        app = new NbaApp(database, SmallSample);
        await app.ImportTwoSeasonSlicesAsync(days: 12);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_running_experiment_routes_players_stores_shadows_and_is_scored_against_real_results()
    {
        var first = await TrainAsync(TestTraining.Tiny, promote: true);
        var second = await TrainAsync(TestTraining.Tiny with { Members = [MemberKind.Linear] }, promote: false);

        const string create = """
            mutation($a: String!, $b: String!) { createExperiment(input: { name: "tiny vs linear", unit: PLAYER,
              variants: [{ modelVersion: $a, weight: 50 }, { modelVersion: $b, weight: 50 }] }) { experiment { experimentId status } errors { code } } }
            """;
        var created = NbaApp.Data(await app.QueryAsync(create, new { a = first.Version, b = second.Version }))["createExperiment"]!;
        var id = (int)created["experiment"]!["experimentId"]!;
        var started = NbaApp.Data(await app.QueryAsync($"mutation {{ startExperiment(experimentId: {id}) {{ experiment {{ status }} errors {{ code }} }} }}"))["startExperiment"]!;
        Assert.Equal("RUNNING", (string)started["experiment"]!["status"]!);
        var conflict = NbaApp.Data(await app.QueryAsync(create, new { a = first.Version, b = second.Version }))["createExperiment"]!;
        var conflictId = (int)conflict["experiment"]!["experimentId"]!;
        var refused = NbaApp.Data(await app.QueryAsync($"mutation {{ startExperiment(experimentId: {conflictId}) {{ errors {{ code }} }} }}"))["startExperiment"]!;
        Assert.Equal("EXPERIMENT_CONFLICT", (string)refused["errors"]![0]!["code"]!);

        // Past dates of the imported 2023-24 slice: their real results are already in the database.
        var dates = await QueryDbAsync(db => db.Games.Where(g => g.SeasonId == "2023-24").Select(g => g.Date).Distinct().OrderByDescending(d => d).Take(4).ToListAsync());
        var served = new Dictionary<(string Game, int Player), string>();
        foreach (var date in dates)
        {
            var page = NbaApp.Data(await app.QueryAsync(
                "query($d: Date) { predictions(date: $d, first: 100) { totalCount nodes { modelVersion player { nbaId } game { nbaGameId } } } }",
                new { d = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }))["predictions"]!;
            Assert.True((int)page["totalCount"]! > 0);
            foreach (var node in page["nodes"]!.AsArray())
            {
                served[((string)node!["game"]!["nbaGameId"]!, (int)node["player"]!["nbaId"]!)] = (string)node["modelVersion"]!;
            }
        }

        // Every served prediction is its player's sticky variant, and both variants were served to someone.
        var variants = new[] { new ExperimentVariant(first.Version, 50), new ExperimentVariant(second.Version, 50) };
        Assert.All(served, s => Assert.Equal(ExperimentService.Assign(id, s.Key.Player.ToString(System.Globalization.CultureInfo.InvariantCulture), variants).ModelVersion, s.Value));
        Assert.Equal(2, served.Values.Distinct().Count());
        foreach (var ((game, player), version) in served.Take(6))
        {
            var single = NbaApp.Data(await app.QueryAsync(
                "query($g: ID, $p: Int) { predictions(gameId: $g, playerNbaId: $p) { nodes { modelVersion served experimentId } } }", new { g = game, p = player }))["predictions"]!["nodes"]!.AsArray();
            var only = Assert.Single(single)!;
            Assert.Equal(version, (string)only["modelVersion"]!);
            Assert.True((bool)only["served"]!);
            Assert.Equal(id, (int)only["experimentId"]!);
        }

        // Each player-game has one row per variant, exactly one of them served.
        var rows = await QueryDbAsync(db => db.Predictions.Where(p => p.ExperimentId == id).ToListAsync());
        var byPlayerGame = rows.GroupBy(r => (r.GameId, r.PlayerId)).ToList();
        Assert.All(byPlayerGame, g =>
        {
            Assert.Equal(new[] { first.Version, second.Version }.Order(StringComparer.Ordinal), g.Select(r => r.ModelVersion).Order(StringComparer.Ordinal));
            Assert.Single(g, r => r.Served);
        });

        // The result, recomputed here independently from the same rows and the real box scores.
        var actual = await QueryDbAsync(db => db.PlayerGames.Where(pg => dates.Contains(pg.GameDate) && pg.Minutes > 0).ToListAsync());
        var actualByKey = actual.ToDictionary(a => (a.GameId, a.PlayerId));
        var scored = rows.Where(r => actualByKey.ContainsKey((r.GameId, r.PlayerId))).ToList();
        double Mae(string version) => scored.Where(r => r.ModelVersion == version).Average(r =>
        {
            var a = actualByKey[(r.GameId, r.PlayerId)];
            var stats = PredictionStats.Parse(r.StatsJson);
            int[] real = [a.Pts, a.Reb, a.Ast, a.Fg3m, a.Stl, a.Blk, a.Tov, a.Minutes];
            return stats.Select((s, i) => Math.Abs(s.Value - real[i])).Average();
        });

        const string read = """
            query($id: Int!) { experiment(experimentId: $id) { status
              variants { modelVersion weight predictionsServed predictionsScored mae coverage80 statMae { stat mae } }
              result { status winner pValue sampleSize minimumSampleSize } } }
            """;
        var experiment = NbaApp.Data(await app.QueryAsync(read, new { id }))["experiment"]!;
        var result = experiment["result"]!;
        var pairs = scored.Select(r => (r.GameId, r.PlayerId)).Distinct().Count();
        Assert.Equal(pairs, (int)result["sampleSize"]!);
        Assert.Equal(40, (int)result["minimumSampleSize"]!);
        Assert.True(pairs >= 40, $"only {pairs} scored player-games");
        foreach (var variant in experiment["variants"]!.AsArray())
        {
            var version = (string)variant!["modelVersion"]!;
            Assert.Equal(rows.Count(r => r.ModelVersion == version && r.Served), (int)variant["predictionsServed"]!);
            Assert.Equal(pairs, (int)variant["predictionsScored"]!);
            Assert.Equal(Mae(version), (double)variant["mae"]!, 3);
            Assert.InRange((double)variant["coverage80"]!, 0.3, 1.0);
            Assert.Equal(8, variant["statMae"]!.AsArray().Count);
        }

        Assert.InRange((double)result["pValue"]!, 0, 1);
        var status = (string)result["status"]!;
        var winner = (string?)result["winner"];
        Assert.Equal(status == ExperimentResultStatus.Winner, winner is not null);

        // Another instance on the same database (a restart) serves every player the same variant.
        await using (var restarted = new NbaApp(database, SmallSample))
        {
            foreach (var date in dates.Take(2))
            {
                var nodes = NbaApp.Data(await restarted.QueryAsync(
                    "query($d: Date) { predictions(date: $d, first: 100) { nodes { modelVersion player { nbaId } game { nbaGameId } } } }",
                    new { d = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }))["predictions"]!["nodes"]!.AsArray();
                Assert.NotEmpty(nodes);
                Assert.All(nodes, n => Assert.Equal(served[((string)n!["game"]!["nbaGameId"]!, (int)n["player"]!["nbaId"]!)], (string)n["modelVersion"]!));
            }
        }

        // Concluding: promoting is refused without a winner, and makes the winner the production model with one.
        const string conclude = "mutation($id: Int!, $p: Boolean!) { concludeExperiment(experimentId: $id, promoteWinner: $p) { experiment { status } errors { code } } }";
        var concluded = NbaApp.Data(await app.QueryAsync(conclude, new { id, p = true }))["concludeExperiment"]!;
        var models = NbaApp.Data(await app.QueryAsync("{ models { version stage } experiments { experimentId status } }"));
        var production = (string)models["models"]!.AsArray().Single(m => (string)m!["stage"]! == "PRODUCTION")!["version"]!;
        if (winner is not null)
        {
            Assert.Equal("CONCLUDED", (string)concluded["experiment"]!["status"]!);
            Assert.Equal(winner, production);
        }
        else
        {
            Assert.Equal("NO_WINNER", (string)concluded["errors"]![0]!["code"]!);
            Assert.Equal(first.Version, production);
            var plain = NbaApp.Data(await app.QueryAsync(conclude, new { id, p = false }))["concludeExperiment"]!;
            Assert.Equal("CONCLUDED", (string)plain["experiment"]!["status"]!);
        }

        // With the experiment over, everyone is served the production model again.
        const string firstFive = "query($d: Date) { predictions(date: $d, first: 5) { nodes { modelVersion } } }";
        var day = new { d = dates[0].ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) };
        var after = NbaApp.Data(await app.QueryAsync(firstFive, day))["predictions"]!["nodes"]!.AsArray();
        Assert.All(after, n => Assert.Equal(production, (string)n!["modelVersion"]!));

        // A client experiment: a caller without a client id is the unit "anonymous" and gets one variant for every player.
        var clientExperiment = NbaApp.Data(await app.QueryAsync(create.Replace("PLAYER", "CLIENT", StringComparison.Ordinal), new { a = first.Version, b = second.Version }))["createExperiment"]!;
        var clientId = (int)clientExperiment["experiment"]!["experimentId"]!;
        NbaApp.Data(await app.QueryAsync($"mutation {{ startExperiment(experimentId: {clientId}) {{ errors {{ code }} }} }}"));
        var anonymous = ExperimentService.Assign(clientId, PredictionService.AnonymousClient, variants).ModelVersion;
        var clientServed = NbaApp.Data(await app.QueryAsync(firstFive, day))["predictions"]!["nodes"]!.AsArray();
        Assert.NotEmpty(clientServed);
        Assert.All(clientServed, n => Assert.Equal(anonymous, (string)n!["modelVersion"]!));
        var clientRows = await QueryDbAsync(db => db.Predictions.Where(p => p.ExperimentId == clientId).ToListAsync());
        Assert.Equal(2, clientRows.Select(r => r.ModelVersion).Distinct().Count());
        Assert.All(clientRows, r => Assert.Equal(r.ModelVersion == anonymous, r.Served));
    }

    private async Task<ModelVersion> TrainAsync(TrainingOptions options, bool promote)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var model = (await scope.ServiceProvider.GetRequiredService<ModelTrainingService>().TrainAsync(new TrainingRequest(Promote: promote, Options: options))).Model;
        // Version names have one-second resolution.
        await Task.Delay(1100);
        return model;
    }

    private async Task<T> QueryDbAsync<T>(Func<NbaDbContext, Task<T>> query)
    {
        await using var db = app.Services.GetRequiredService<IDbContextFactory<NbaDbContext>>().CreateDbContext();
        return await query(db);
    }
}

public sealed class SqliteExperimentTests() : ExperimentTests(Provider.Sqlite);

public sealed class PostgresExperimentTests() : ExperimentTests(Provider.Postgres);
