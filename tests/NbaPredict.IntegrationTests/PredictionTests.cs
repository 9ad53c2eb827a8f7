using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Features.Models;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests;

/// <summary>
/// Predictions through GraphQL on a real database: "no model yet" as a typed error, then a small model trained
/// on real slices, promoted, and used to predict and store a day's slate.
/// </summary>
public abstract class PredictionTests(Provider provider) : IAsyncLifetime
{
    private TestDatabase database = null!;
    private NbaApp app = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(provider);
        app = new NbaApp(database);
        await app.ImportTwoSeasonSlicesAsync(days: 20);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Without_a_model_predictions_are_empty_and_refresh_is_a_typed_error()
    {
        var data = NbaApp.Data(await app.QueryAsync("""
            mutation { refreshPredictions(date: "2023-11-10") { count modelVersion errors { code message } } }
            """));
        var list = NbaApp.Data(await app.QueryAsync("""{ predictions(date: "2023-11-10") { totalCount } models { version } }"""));

        var error = Assert.Single(data["refreshPredictions"]!["errors"]!.AsArray())!;
        Assert.Equal("NO_MODEL_YET", (string)error["code"]!);
        Assert.Equal(0, (int)data["refreshPredictions"]!["count"]!);
        Assert.Equal(0, (int)list["predictions"]!["totalCount"]!);
        Assert.Empty(list["models"]!.AsArray());
    }

    [Fact]
    public async Task A_promoted_model_predicts_and_stores_the_days_slate()
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var trainer = scope.ServiceProvider.GetRequiredService<ModelTrainingService>();
            await trainer.TrainAsync(new TrainingRequest(Promote: true, Options: TestTraining.Tiny));
        }

        var refreshed = NbaApp.Data(await app.QueryAsync("""
            mutation { refreshPredictions(date: "2023-11-10") { count modelVersion errors { code } predictions { player { name } stats { stat value lower80 upper80 lower95 upper95 } } } }
            """))["refreshPredictions"]!;
        var listed = NbaApp.Data(await app.QueryAsync("""
            { predictions(date: "2023-11-10", first: 100) { totalCount nodes { modelVersion game { nbaGameId } player { nbaId } actual { pts player { nbaId } } } }
              models { version stage metrics { stat mae } featureImportances(stat: PTS, top: 5) { feature importance } }
              games(date: "2023-11-10") { nodes { boxScore { min } predictions { player { nbaId } } } } }
            """));

        Assert.Empty(refreshed["errors"]!.AsArray());
        var count = (int)refreshed["count"]!;
        var played = listed["games"]!["nodes"]!.AsArray().Sum(g => g!["boxScore"]!.AsArray().Count(b => (int)b!["min"]! > 0));
        Assert.Equal(played, count);
        Assert.Equal(count, (int)listed["predictions"]!["totalCount"]!);
        // Finished games carry the real line beside the prediction, for the same player.
        Assert.All(listed["predictions"]!["nodes"]!.AsArray(), p => Assert.Equal((int)p!["player"]!["nbaId"]!, (int)p["actual"]!["player"]!["nbaId"]!));
        Assert.Equal(count, listed["games"]!["nodes"]!.AsArray().Sum(g => g!["predictions"]!.AsArray().Count));
        foreach (var prediction in refreshed["predictions"]!.AsArray())
        {
            var stats = prediction!["stats"]!.AsArray();
            Assert.Equal(["PTS", "REB", "AST", "FG3M", "STL", "BLK", "TOV", "MIN"], stats.Select(s => (string)s!["stat"]!));
            foreach (var s in stats)
            {
                var (value, lo80, hi80, lo95, hi95) = ((double)s!["value"]!, (double)s["lower80"]!, (double)s["upper80"]!, (double)s["lower95"]!, (double)s["upper95"]!);
                Assert.True(lo95 <= lo80 && lo80 <= value && value <= hi80 && hi80 <= hi95, $"intervals must nest: {s.ToJsonString()}");
                Assert.True(lo95 >= 0, "counts are never negative");
            }
        }

        const string whatIf = """
            mutation($date: Date!, $opponent: String!) {
              predict(input: { playerNbaId: 201939, opponent: $opponent, home: true, date: $date }) {
                prediction { player { name } team { abbreviation } opponent { abbreviation } stats { stat value lower80 upper80 } }
                errors { code message }
              }
            }
            """;
        var future = NbaApp.Data(await app.QueryAsync(whatIf, new { date = "2023-12-25", opponent = "LAL" }))["predict"]!;
        var past = NbaApp.Data(await app.QueryAsync(whatIf, new { date = "2023-11-10", opponent = "BOS" }))["predict"]!;
        var ownTeam = NbaApp.Data(await app.QueryAsync(whatIf, new { date = "2023-12-25", opponent = "GSW" }))["predict"]!;
        var unknown = NbaApp.Data(await app.QueryAsync(whatIf, new { date = "2023-12-25", opponent = "XYZ" }))["predict"]!;
        Assert.Empty(future["errors"]!.AsArray());
        Assert.Equal("GSW", (string)future["prediction"]!["team"]!["abbreviation"]!);
        Assert.Equal("LAL", (string)future["prediction"]!["opponent"]!["abbreviation"]!);
        Assert.InRange((double)future["prediction"]!["stats"]![0]!["value"]!, 10, 45);
        Assert.Empty(past["errors"]!.AsArray());
        Assert.Equal("INVALID_OPPONENT", (string)ownTeam["errors"]![0]!["code"]!);
        Assert.Equal("UNKNOWN_TEAM", (string)unknown["errors"]![0]!["code"]!);
        Assert.Null(unknown["prediction"]);

        var model = Assert.Single(listed["models"]!.AsArray())!;
        Assert.Equal("PRODUCTION", (string)model["stage"]!);
        Assert.Equal((string)refreshed["modelVersion"]!, (string)model["version"]!);
        Assert.Equal(8, model["metrics"]!.AsArray().Count);
        var importances = model["featureImportances"]!.AsArray().Select(f => (double)f!["importance"]!).ToList();
        Assert.Equal(5, importances.Count);
        Assert.Equal(importances.OrderByDescending(x => x), importances);
        Assert.All(importances, i => Assert.InRange(i, 0.0001, 1));
    }

    [Fact]
    public async Task A_what_if_can_name_the_players_known_to_be_out()
    {
        await app.TrainTinyProductionModelAsync();
        const string whatIf = """
            mutation($out: [Int!]) {
              predict(input: { playerNbaId: 201939, opponent: "LAL", home: true, date: "2023-12-25", unavailablePlayerNbaIds: $out }) {
                prediction { unavailablePlayerNbaIds knownAbsenceModel modelVersion stats { stat value lower80 upper80 } }
                errors { code message }
              }
            }
            """;
        async Task<System.Text.Json.Nodes.JsonNode> PredictAsync(int[]? unavailable) =>
            NbaApp.Data(await app.QueryAsync(whatIf, new { @out = unavailable }))["predict"]!;
        static string Stats(System.Text.Json.Nodes.JsonNode payload) => payload["prediction"]!["stats"]!.ToJsonString();

        var inferred = await PredictAsync(null);
        var klayOut = await PredictAsync([202691, 202691]);
        var nobodyOut = await PredictAsync([]);
        var self = await PredictAsync([201939]);
        var unknown = await PredictAsync([202691, 99999999]);
        var tooMany = await PredictAsync([.. Enumerable.Range(1, 33)]);

        Assert.Empty(inferred["errors"]!.AsArray());
        Assert.Null(inferred["prediction"]!["unavailablePlayerNbaIds"]);
        Assert.Empty(klayOut["errors"]!.AsArray());
        Assert.Equal([202691], klayOut["prediction"]!["unavailablePlayerNbaIds"]!.AsArray().Select(i => (int)i!));
        Assert.Empty(nobodyOut["prediction"]!["unavailablePlayerNbaIds"]!.AsArray());
        // Klay Thompson out changes who is absent from Curry's rotation, so it reaches the model.
        Assert.NotEqual(inferred["prediction"]!["stats"]!.ToJsonString(), klayOut["prediction"]!["stats"]!.ToJsonString());

        Assert.Equal("INVALID_UNAVAILABLE", (string)self["errors"]![0]!["code"]!);
        Assert.Equal("UNKNOWN_PLAYER", (string)unknown["errors"]![0]!["code"]!);
        Assert.Contains("99999999", (string)unknown["errors"]![0]!["message"]!, StringComparison.Ordinal);
        Assert.Equal("TOO_MANY_UNAVAILABLE", (string)tooMany["errors"]![0]!["code"]!);
        Assert.All(new[] { self, unknown, tooMany }, r => Assert.Null(r["prediction"]));

        // A named list is served by the known-absence model. The same training without it gives the same ensemble,
        // so the history-only line is unchanged, while the line with the list moves.
        Assert.False((bool)inferred["prediction"]!["knownAbsenceModel"]!);
        Assert.True((bool)klayOut["prediction"]!["knownAbsenceModel"]!);
        await app.TrainTinyProductionModelAsync(TestTraining.Tiny with { KnownAbsenceModel = false });
        var inferredWithout = await PredictAsync(null);
        var klayOutWithout = await PredictAsync([202691]);
        Assert.NotEqual((string)inferred["prediction"]!["modelVersion"]!, (string)inferredWithout["prediction"]!["modelVersion"]!);
        Assert.False((bool)klayOutWithout["prediction"]!["knownAbsenceModel"]!);
        Assert.Equal(Stats(inferred), Stats(inferredWithout));
        Assert.NotEqual(Stats(klayOut), Stats(klayOutWithout));
    }

    [Fact]
    public async Task An_injury_report_takes_the_players_out_of_the_slate_and_remakes_their_teammates_lines()
    {
        const string upcoming = "0022399901";
        const int curry = 201939, klay = 202691, lebron = 2544;
        await app.AddUpcomingGameAsync(upcoming, new DateOnly(2023, 12, 25), "GSW", "LAL");
        const string report = """
            mutation($game: ID!, $team: String!, $out: [Int!]!) {
              reportAvailability(input: { gameId: $game, team: $team, unavailablePlayerNbaIds: $out }) {
                report { team { abbreviation } unavailablePlayerNbaIds unavailablePlayers { nbaId } }
                predictions { player { nbaId } team { abbreviation } absencesNamed stats { stat value lower80 upper80 } }
                errors { code message }
              }
            }
            """;
        async Task<System.Text.Json.Nodes.JsonNode> ReportAsync(string team, int[] unavailable, string game = upcoming) =>
            NbaApp.Data(await app.QueryAsync(report, new { game, team, @out = unavailable }))["reportAvailability"]!;
        static System.Text.Json.Nodes.JsonNode Line(System.Text.Json.Nodes.JsonNode predictions, int player) =>
            predictions.AsArray().Single(p => (int)p!["player"]!["nbaId"]! == player)!;
        static bool Has(System.Text.Json.Nodes.JsonNode predictions, int player) =>
            predictions.AsArray().Any(p => (int)p!["player"]!["nbaId"]! == player);

        // Before any model, the report is stored; the predictions made later use it.
        var early = await ReportAsync("GSW", []);
        Assert.Empty(early["errors"]!.AsArray());
        Assert.Empty(early["predictions"]!.AsArray());

        await app.TrainTinyProductionModelAsync();
        const string day = """
            mutation { refreshPredictions(date: "2023-12-25") { predictions { player { nbaId } team { abbreviation } absencesNamed stats { stat value lower80 upper80 } } errors { code } } }
            """;
        var nobodyOut = NbaApp.Data(await app.QueryAsync(day))["refreshPredictions"]!["predictions"]!;
        Assert.True(Has(nobodyOut, klay));
        Assert.True((bool)Line(nobodyOut, curry)["absencesNamed"]!);
        Assert.False((bool)Line(nobodyOut, lebron)["absencesNamed"]!);

        var klayOut = await ReportAsync("GSW", [klay, klay]);
        Assert.Empty(klayOut["errors"]!.AsArray());
        Assert.Equal([klay], klayOut["report"]!["unavailablePlayerNbaIds"]!.AsArray().Select(i => (int)i!));
        Assert.Equal(klay, (int)klayOut["report"]!["unavailablePlayers"]![0]!["nbaId"]!);
        var remade = klayOut["predictions"]!;
        Assert.False(Has(remade, klay));
        Assert.Equal(nobodyOut.AsArray().Count - 1, remade.AsArray().Count);
        Assert.True((bool)Line(remade, curry)["absencesNamed"]!);
        Assert.NotEqual(Line(nobodyOut, curry)["stats"]!.ToJsonString(), Line(remade, curry)["stats"]!.ToJsonString());
        // The other team sent no report: its lines are made from history as before.
        Assert.Equal(Line(nobodyOut, lebron).ToJsonString(), Line(remade, lebron).ToJsonString());

        // What is stored is what the game and the predictions query show.
        var game = NbaApp.Data(await app.QueryAsync($$"""
            { game(nbaGameId: "{{upcoming}}") { availability { team { abbreviation } unavailablePlayerNbaIds } predictions { player { nbaId } absencesNamed } } }
            """))["game"]!;
        var stored = Assert.Single(game["availability"]!.AsArray())!;
        Assert.Equal("GSW", (string)stored["team"]!["abbreviation"]!);
        Assert.Equal([klay], stored["unavailablePlayerNbaIds"]!.AsArray().Select(i => (int)i!));
        Assert.False(Has(game["predictions"]!, klay));
        Assert.True((bool)Line(game["predictions"]!, curry)["absencesNamed"]!);

        // The insight explains the line as it was made: rebuilt with the report, naming who is out.
        var explained = NbaApp.Data(await app.QueryAsync($$"""
            { game(nbaGameId: "{{upcoming}}") { predictions { player { nbaId } inputsHash insight { text facts } } } }
            """))["game"]!["predictions"]!;
        var curryInsight = Line(explained, curry)["insight"]!;
        Assert.Contains("injury report rules out Klay Thompson", (string)curryInsight["text"]!, StringComparison.Ordinal);
        Assert.Contains("\"reportedOut\":[\"Klay Thompson\"]", (string)curryInsight["facts"]!, StringComparison.Ordinal);
        Assert.DoesNotContain("injury report", (string)Line(explained, lebron)["insight"]!["text"]!, StringComparison.Ordinal);
        var rebuilt = await app.Services.GetRequiredService<NbaPredict.Core.Features.Insights.InsightInputs>().FeaturizeAsync(
            new DateOnly(2023, 12, 25), [new NbaPredict.Ml.Features.PlayerGameQuery(curry, "GSW", "LAL", true, new DateOnly(2023, 12, 25))], [[klay]], default);
        Assert.Equal((string)Line(explained, curry)["inputsHash"]!, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(rebuilt[0].AsSpan()))));

        // Refusals name the problem and leave the stored report as it was.
        var played = NbaApp.Data(await app.QueryAsync("""{ games(date: "2023-11-10") { nodes { nbaGameId homeTeam { abbreviation } } } }"""))["games"]!["nodes"]![0]!;
        var refusals = new[]
        {
            ("NOT_ON_TEAM", await ReportAsync("GSW", [lebron])),
            ("INVALID_TEAM", await ReportAsync("BOS", [])),
            ("UNKNOWN_TEAM", await ReportAsync("XYZ", [])),
            ("UNKNOWN_PLAYER", await ReportAsync("GSW", [99999999])),
            ("TOO_MANY_UNAVAILABLE", await ReportAsync("GSW", [.. Enumerable.Range(1, 33)])),
            ("GAME_NOT_FOUND", await ReportAsync("GSW", [], "0029999999")),
            ("GAME_ALREADY_PLAYED", await ReportAsync((string)played["homeTeam"]!["abbreviation"]!, [], (string)played["nbaGameId"]!)),
        };
        foreach (var (code, refused) in refusals)
        {
            Assert.Equal(code, (string)Assert.Single(refused["errors"]!.AsArray())!["code"]!);
            Assert.Null(refused["report"]);
        }

        Assert.Contains("LAL", (string)refusals[0].Item2["errors"]![0]!["message"]!, StringComparison.Ordinal);
        var after = NbaApp.Data(await app.QueryAsync($$"""{ game(nbaGameId: "{{upcoming}}") { availability { unavailablePlayerNbaIds } } }"""))["game"]!;
        Assert.Equal([klay], after["availability"]![0]!["unavailablePlayerNbaIds"]!.AsArray().Select(i => (int)i!));

        // A new report replaces the old one: Klay is back.
        var back = await ReportAsync("GSW", []);
        Assert.True(Has(back["predictions"]!, klay));
        Assert.Equal(Line(nobodyOut, curry)["stats"]!.ToJsonString(), Line(back["predictions"]!, curry)["stats"]!.ToJsonString());
    }

    [Fact]
    public async Task Concurrent_refreshes_and_reports_of_one_day_all_succeed_and_leave_one_set_of_predictions()
    {
        await app.AddUpcomingGameAsync("0022399903", new DateOnly(2023, 12, 26), "GSW", "LAL");
        await app.TrainTinyProductionModelAsync();
        const string refresh = """mutation { refreshPredictions(date: "2023-12-26") { count errors { code message } } }""";
        const string report = """
            mutation($team: String!, $out: [Int!]!) {
              reportAvailability(input: { gameId: "0022399903", team: $team, unavailablePlayerNbaIds: $out }) { report { team { abbreviation } } errors { code message } }
            }
            """;

        var calls = new List<Task<System.Text.Json.Nodes.JsonObject>>();
        for (var i = 0; i < 3; i++)
        {
            calls.Add(app.QueryAsync(refresh));
            calls.Add(app.QueryAsync(report, new { team = "GSW", @out = new[] { 202691 } }));
            calls.Add(app.QueryAsync(report, new { team = "LAL", @out = Array.Empty<int>() }));
        }

        foreach (var response in await Task.WhenAll(calls))
        {
            var payload = NbaApp.Data(response).AsObject().Single().Value!;
            Assert.Empty(payload["errors"]!.AsArray());
        }

        var stored = NbaApp.Data(await app.QueryAsync("""{ game(nbaGameId: "0022399903") { availability { team { abbreviation } } predictions { player { nbaId } absencesNamed } } }"""))["game"]!;
        Assert.Equal(["GSW", "LAL"], stored["availability"]!.AsArray().Select(r => (string)r!["team"]!["abbreviation"]!));
        var players = stored["predictions"]!.AsArray().Select(p => (int)p!["player"]!["nbaId"]!).ToList();
        Assert.Equal(players.Count, players.Distinct().Count());
        Assert.DoesNotContain(202691, players);
        Assert.All(stored["predictions"]!.AsArray(), p => Assert.True((bool)p!["absencesNamed"]!));
    }

    [Fact]
    public async Task Scores_keep_the_rows_predicted_with_an_injury_report_apart()
    {
        await app.TrainTinyProductionModelAsync();
        var day = new DateOnly(2023, 11, 10);
        NbaApp.Data(await app.QueryAsync("""mutation { refreshPredictions(date: "2023-11-10") { count } }"""));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NbaPredict.Core.Data.NbaDbContext>();
        // As if the home teams had reported: their rows carry the flag a report gives.
        await db.Predictions.Where(p => p.GameDate == day && p.Home).ExecuteUpdateAsync(u => u.SetProperty(p => p.AbsencesNamed, true));

        var scores = await scope.ServiceProvider.GetRequiredService<NbaPredict.Core.Features.Scoring.ModelScoringService>().ScoreDayAsync(day);

        var predictions = await db.Predictions.AsNoTracking().Where(p => p.GameDate == day && p.Home).ToListAsync();
        var lines = await db.PlayerGames.AsNoTracking().Where(pg => pg.GameDate == day && pg.Minutes > 0).ToDictionaryAsync(pg => (pg.GameId, pg.PlayerId));
        var reportedPts = predictions.Where(p => lines.ContainsKey((p.GameId, p.PlayerId)))
            .Select(p => Math.Abs(NbaPredict.Core.Features.Predictions.PredictionStats.Parse(p.StatsJson).Single(s => s.Stat == "PTS").Value - lines[(p.GameId, p.PlayerId)].Pts))
            .ToList();
        var pts = scores.Single(s => s.Stat == "PTS");
        Assert.Equal(reportedPts.Count, pts.ReportedRows);
        Assert.InRange(pts.ReportedRows, 1, pts.Rows - 1);
        Assert.Equal(reportedPts.Average(), pts.ReportedMae, 3);
        var served = NbaApp.Data(await app.QueryAsync("query($v: String!) { modelScores(modelVersion: $v) { stat reportedRows reportedMae } }", new { v = pts.ModelVersion }))["modelScores"]!.AsArray();
        Assert.Equal(pts.ReportedRows, (int)served.Single(s => (string)s!["stat"]! == "PTS")!["reportedRows"]!);
        Assert.Equal(pts.ReportedMae, (double)served.Single(s => (string)s!["stat"]! == "PTS")!["reportedMae"]!, 3);

        // Without reports the split is empty, and the GraphQL field says so with null.
        await db.Predictions.Where(p => p.GameDate == day).ExecuteUpdateAsync(u => u.SetProperty(p => p.AbsencesNamed, false));
        await scope.ServiceProvider.GetRequiredService<NbaPredict.Core.Features.Scoring.ModelScoringService>().ScoreDayAsync(day);
        var none = NbaApp.Data(await app.QueryAsync("query($v: String!) { modelScores(modelVersion: $v) { reportedRows reportedMae } }", new { v = pts.ModelVersion }))["modelScores"]!.AsArray();
        Assert.All(none, s => Assert.Equal((0, true), ((int)s!["reportedRows"]!, s["reportedMae"] is null)));
    }

    [Fact]
    public async Task Drift_reports_are_stored_and_a_flagged_one_reaches_driftDetected()
    {
        var none = NbaApp.Data(await app.QueryAsync("mutation { detectDrift { report { id } errors { code } } }"))["detectDrift"]!;
        Assert.Equal("NO_MODEL_YET", (string)none["errors"]![0]!["code"]!);
        await app.TrainTinyProductionModelAsync();

        using var socket = await GraphQLWebSocket.ConnectAsync(app);
        await socket.SubscribeAsync("d", "subscription { driftDetected { modelVersion drifted maxFeaturePsi } }");
        await GraphQLWebSocket.WaitForSubscriberAsync(app, NbaPredict.Core.Features.Drift.DriftService.Topic);

        const string detect = """
            mutation($psi: Float) { detectDrift(recentDays: 30, psiThreshold: $psi, errorRatioThreshold: 100) {
              report { drifted maxFeaturePsi referenceRows recentRows recentFrom recentTo features { feature psi ksStatistic ksPValue } stats { stat recentMae validationMae errorRatio } }
              errors { code message } } }
            """;
        var calm = NbaApp.Data(await app.QueryAsync(detect, new { psi = 1000.0 }))["detectDrift"]!;
        var flagged = NbaApp.Data(await app.QueryAsync(detect, new { psi = 0.0 }))["detectDrift"]!;

        Assert.Empty(calm["errors"]!.AsArray());
        var report = calm["report"]!;
        Assert.False((bool)report["drifted"]!);
        Assert.True((int)report["referenceRows"]! > 1000 && (int)report["recentRows"]! > 1000);
        Assert.Equal(25, report["features"]!.AsArray().Count);
        Assert.Equal(8, report["stats"]!.AsArray().Count);
        Assert.All(report["stats"]!.AsArray(), st => Assert.True((double)st!["recentMae"]! > 0 && (double)st["validationMae"]! > 0));
        Assert.True((bool)flagged["report"]!["drifted"]!);

        var next = await socket.ReceiveAsync();
        Assert.Equal("next", (string)next["type"]!);
        Assert.True((bool)next["payload"]!["data"]!["driftDetected"]!["drifted"]!);
        var stored = NbaApp.Data(await app.QueryAsync("{ driftReports { drifted } }"))["driftReports"]!.AsArray();
        Assert.Equal([true, false], stored.Select(r => (bool)r!["drifted"]!));
    }
}

public sealed class SqlitePredictionTests() : PredictionTests(Provider.Sqlite);

public sealed class PostgresPredictionTests() : PredictionTests(Provider.Postgres);
