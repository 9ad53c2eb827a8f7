using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using NbaPredict.Workers.Cli;

namespace NbaPredict.Workers.Tests;

/// <summary>
/// The contract's train → evaluate path end to end on small real slices: two seasons to train and calibrate,
/// then a walk forward over later days that are not in the database.
/// </summary>
public sealed class TrainEvaluateTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("nbapredict-train-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        root.Delete(recursive: true);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["NBAPREDICT_DATA_DIR"] = Path.Combine(root.FullName, "state") })
            .Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await NbaCli.RunAsync(args, output, error, configuration);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NbaPredict.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    /// <summary>The imported history of these tests: 30 days of 2022-23 to train on, the first 25 of 2023-24 to calibrate on.</summary>
    private async Task<string> WriteHistoryAsync()
    {
        var history = Directory.CreateDirectory(Path.Combine(root.FullName, "history")).FullName;
        await File.WriteAllLinesAsync(Path.Combine(history, "a.csv"), Slice("2022-23", 0, 30));
        await File.WriteAllLinesAsync(Path.Combine(history, "b.csv"), Slice("2023-24", 0, 25));
        return history;
    }

    /// <summary>Copies the game days [skip, skip + take) of a bundled season into a plain CSV.</summary>
    private static List<string> Slice(string season, int skipDays, int takeDays)
    {
        var source = Path.Combine(Repository(), "data", "nba", $"player_games_{season}.csv.gz");
        using var reader = new StreamReader(new GZipStream(File.OpenRead(source), CompressionMode.Decompress), Encoding.UTF8);
        var lines = new List<string> { reader.ReadLine()! };
        var dates = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            var date = line.Split(',', 3)[1];
            if (dates.Count == 0 || dates[^1] != date)
            {
                dates.Add(date);
            }

            if (dates.Count > skipDays + takeDays)
            {
                break;
            }

            if (dates.Count > skipDays)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    [Fact]
    public async Task Train_then_evaluate_writes_the_contract_columns_for_every_played_game()
    {
        var history = await WriteHistoryAsync();
        var unseen = Directory.CreateDirectory(Path.Combine(root.FullName, "unseen")).FullName;
        var unseenLines = Slice("2023-24", 25, 3);
        await File.WriteAllLinesAsync(Path.Combine(unseen, "c.csv"), unseenLines);
        var predictions = Path.Combine(root.FullName, "predictions.csv");
        var metrics = Path.Combine(root.FullName, "metrics.json");

        var noModel = await RunAsync("evaluate", "--data", unseen, "--predictions-out", predictions);
        Assert.Equal((2, false), (noModel.ExitCode, File.Exists(predictions)));
        Assert.Contains("no production model yet", noModel.Error, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("import", "--data", history)).ExitCode);
        var train = await RunAsync("train", "--quick", "--promote");
        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.Contains("(production)", train.Output, StringComparison.Ordinal);

        var evaluate = await RunAsync("evaluate", "--data", unseen, "--predictions-out", predictions, "--metrics-out", metrics);
        Assert.True(evaluate.ExitCode == 0, evaluate.Output + evaluate.Error);

        var rows = await File.ReadAllLinesAsync(predictions);
        Assert.Equal("game_id,player_id,stat,predicted,lower80,upper80,lower95,upper95", rows[0]);
        var played = unseenLines.Skip(1).Select(l => l.Split(',')).Where(c => int.Parse(c[10], CultureInfo.InvariantCulture) > 0).ToList();
        Assert.Equal(played.Count * 8, rows.Length - 1);
        var stats = rows.Skip(1).Select(r => r.Split(',')[2]).Distinct().Order().ToList();
        Assert.Equal(["ast", "blk", "fg3m", "min", "pts", "reb", "stl", "tov"], stats);
        foreach (var row in rows.Skip(1))
        {
            var v = row.Split(',').Skip(3).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            Assert.True(v[3] <= v[1] && v[1] <= v[2] && v[2] <= v[4], $"intervals must nest around the prediction: {row}");
            if (row.Split(',')[2] != "min")
            {
                Assert.True(v[0] == Math.Round(v[0]), $"counted stats are predicted as whole numbers: {row}");
            }
        }

        Assert.Contains(rows.Skip(1), r => r.Split(',')[2] == "min" && double.Parse(r.Split(',')[3], CultureInfo.InvariantCulture) % 1 != 0);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(metrics));
        var pts = json.RootElement.GetProperty("stats").GetProperty("pts");
        Assert.True(pts.GetProperty("mae").GetDouble() > 0);
        Assert.True(pts.GetProperty("baselineMae").GetProperty("last10").GetDouble() > 0);
        var rounded = pts.GetProperty("baselineMae").GetProperty("last10Rounded").GetDouble();
        Assert.Equal(100 * (1 - (pts.GetProperty("mae").GetDouble() / rounded)), pts.GetProperty("improvementVsLast10RoundedPct").GetDouble(), 6);
        Assert.InRange(pts.GetProperty("coverage80").GetDouble(), 0.5, 1.0);
        Assert.Equal(played.Count, json.RootElement.GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task Evaluate_with_inactive_lists_predicts_the_named_games_with_the_known_absence_model()
    {
        var history = await WriteHistoryAsync();
        var unseen = Directory.CreateDirectory(Path.Combine(root.FullName, "unseen")).FullName;
        await File.WriteAllLinesAsync(Path.Combine(unseen, "c.csv"), Slice("2023-24", 0, 28));
        var absences = Path.Combine(root.FullName, "absences.csv");
        var plain = Path.Combine(root.FullName, "plain.csv");
        var named = Path.Combine(root.FullName, "named.csv");
        var metrics = Path.Combine(root.FullName, "metrics.json");
        Assert.Equal(0, (await RunAsync("import", "--data", history)).ExitCode);
        Assert.Equal(0, (await RunAsync("train", "--quick", "--promote")).ExitCode);

        // The stand-in lists come from the whole season so far; only the last three days are evaluated.
        var written = await RunAsync("absences", "--data", unseen, "--out", absences);
        Assert.True(written.ExitCode == 0, written.Output + written.Error);
        Assert.Contains("a ceiling, not a forecast", written.Output, StringComparison.Ordinal);
        var lastDays = Directory.CreateDirectory(Path.Combine(root.FullName, "last-days")).FullName;
        await File.WriteAllLinesAsync(Path.Combine(lastDays, "d.csv"), Slice("2023-24", 25, 3));
        Assert.Equal(0, (await RunAsync("evaluate", "--data", lastDays, "--predictions-out", plain)).ExitCode);
        var withLists = await RunAsync("evaluate", "--data", lastDays, "--predictions-out", named, "--metrics-out", metrics, "--absences", absences);
        Assert.True(withLists.ExitCode == 0, withLists.Output + withLists.Error);

        var a = await File.ReadAllLinesAsync(plain);
        var b = await File.ReadAllLinesAsync(named);
        Assert.Equal(a.Length, b.Length);
        Assert.Equal(a.Select(l => string.Join(',', l.Split(',').Take(3))), b.Select(l => string.Join(',', l.Split(',').Take(3))));
        // Minutes are never rounded, so every minutes line of a named game shows which model predicted it.
        var minutes = a.Zip(b).Where(p => p.First.Split(',')[2] == "min").ToList();
        var moved = minutes.Count(p => p.First != p.Second);
        Assert.True(moved > minutes.Count / 2, $"only {moved} of {minutes.Count} minutes lines changed with the lists");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(metrics));
        var namedAbsences = json.RootElement.GetProperty("namedAbsences");
        Assert.True(namedAbsences.GetProperty("knownAbsenceModel").GetBoolean());
        Assert.True(namedAbsences.GetProperty("teamGamesNamed").GetInt32() > 0);

        // A bad list is refused with its line, before anything is written.
        await File.WriteAllTextAsync(absences, "game_id,team,player_id\n0022300001,BOS,1628369\n0022300001,BOS,tatum\n");
        var bad = await RunAsync("evaluate", "--data", lastDays, "--predictions-out", named, "--absences", absences);
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: absences.csv: line 3: player_id 'tatum' is not a positive integer", bad.Error.Trim());
        Assert.Equal(b, await File.ReadAllLinesAsync(named));
        var missing = await RunAsync("evaluate", "--data", lastDays, "--predictions-out", named, "--absences", absences + ".nope");
        Assert.Contains("does not exist", missing.Error, StringComparison.Ordinal);
        var report = await RunAsync("evaluate", "--data", lastDays, "--predictions-out", named, "--absences", absences, "--report", root.FullName);
        Assert.Equal("error: --report documents the history-only evaluation and cannot be combined with --absences", report.Error.Trim());
        Assert.False(File.Exists(Path.Combine(root.FullName, "evaluation.md")));
    }

    [Fact]
    public async Task Tune_records_every_trial_and_train_uses_the_options_it_wrote()
    {
        var history = Directory.CreateDirectory(Path.Combine(root.FullName, "history")).FullName;
        await File.WriteAllLinesAsync(Path.Combine(history, "a.csv"), Slice("2022-23", 0, 30));
        await File.WriteAllLinesAsync(Path.Combine(history, "b.csv"), Slice("2023-24", 0, 20));
        Assert.Equal(0, (await RunAsync("import", "--data", history)).ExitCode);
        var trials = Path.Combine(root.FullName, "tuning", "trials.jsonl");
        var best = Path.Combine(root.FullName, "best.json");

        var tune = await RunAsync("tune", "--trials-out", trials, "--best-out", best, "--configurations", "3", "--budget-minutes", "10", "--stats", "pts,ast");
        Assert.True(tune.ExitCode == 0, tune.Output + tune.Error);

        // 3 configurations on a third of the rows, the best one on all of them: four trials, each a JSON line.
        var lines = await File.ReadAllLinesAsync(trials);
        Assert.Equal(4, lines.Length);
        var records = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([0, 0, 0, 1], records.Select(r => r.GetProperty("rung").GetInt32()));
        Assert.All(records, r => Assert.True(r.GetProperty("score").GetDouble() > 0));
        Assert.All(records, r => Assert.True(r.GetProperty("mae").GetProperty("Ast").GetDouble() > 0));
        var winner = records[^1].GetProperty("parameters");
        Assert.Equal(records.Take(3).MinBy(r => r.GetProperty("score").GetDouble()).GetProperty("configuration").GetInt32(), records[^1].GetProperty("configuration").GetInt32());
        Assert.Contains("4 trials", tune.Output, StringComparison.Ordinal);

        using (var options = JsonDocument.Parse(await File.ReadAllTextAsync(best)))
        {
            Assert.Equal(winner.GetProperty("iterations").GetInt32(), options.RootElement.GetProperty("l1Iterations").GetInt32());
            Assert.Equal(winner.GetProperty("leaves").GetInt32(), options.RootElement.GetProperty("l1Leaves").GetInt32());
        }

        var train = await RunAsync("train", "--options", best);
        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        var manifest = Directory.EnumerateFiles(Path.Combine(root.FullName, "state"), "manifest.json", SearchOption.AllDirectories).Single();
        using var trained = JsonDocument.Parse(await File.ReadAllTextAsync(manifest));
        Assert.Equal(winner.GetProperty("iterations").GetInt32(), trained.RootElement.GetProperty("Options").GetProperty("L1Iterations").GetInt32());
    }

    [Theory]
    [InlineData("missing", "does not exist")]
    [InlineData("not json {", "is not valid JSON")]
    public async Task Train_with_an_unusable_options_file_names_the_problem(string content, string expected)
    {
        var path = Path.Combine(root.FullName, "options.json");
        if (content != "missing")
        {
            await File.WriteAllTextAsync(path, content);
        }

        var result = await RunAsync("train", "--options", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "tune" }, "missing required option --trials-out")]
    [InlineData(new[] { "tune", "--trials-out", "t.jsonl", "--stats", "pts,dunks" }, "'dunks' is not one of")]
    [InlineData(new[] { "tune", "--trials-out", "t.jsonl", "--budget-minutes", "-1" }, "--budget-minutes must be a number")]
    [InlineData(new[] { "tune", "--trials-out", "t.jsonl", "--configurations", "2.5" }, "--configurations must be a whole number from 1 to 729; got '2.5'")]
    [InlineData(new[] { "train", "--quick", "--options", "o.json" }, "cannot be combined")]
    public async Task Bad_tuning_options_exit_with_one_line_naming_the_problem(string[] args, string expected)
    {
        var result = await RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }
}
