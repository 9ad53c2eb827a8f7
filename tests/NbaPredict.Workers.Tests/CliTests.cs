using Microsoft.Extensions.Configuration;
using NbaPredict.Workers.Cli;

namespace NbaPredict.Workers.Tests;

/// <summary>The command line: bad input exits non-zero with one line naming the problem; import really imports.</summary>
public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo dataDirectory = Directory.CreateTempSubdirectory("nbapredict-cli-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        dataDirectory.Delete(recursive: true);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["NBAPREDICT_DATA_DIR"] = Path.Combine(dataDirectory.FullName, "state") })
            .Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await NbaCli.RunAsync(args, output, error, configuration);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "import" }, "missing required option --data")]
    [InlineData(new[] { "import", "--data" }, "option --data needs a value")]
    [InlineData(new[] { "import", "--data", "/nonexistent/nba" }, "data directory '/nonexistent/nba' does not exist")]
    [InlineData(new[] { "import", "--data", "x", "--data", "y" }, "option --data is given twice")]
    [InlineData(new[] { "import", "--data", "/tmp", "--colour", "red" }, "unknown option --colour")]
    [InlineData(new[] { "import", "stray" }, "unexpected argument 'stray'")]
    public async Task Bad_input_exits_non_zero_with_a_one_line_reason(string[] args, string reason)
    {
        var (exitCode, _, error) = await RunAsync(args);

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(reason, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_folder_is_refused()
    {
        var empty = Directory.CreateDirectory(Path.Combine(dataDirectory.FullName, "empty")).FullName;

        var (exitCode, _, error) = await RunAsync("import", "--data", empty);

        Assert.Equal(2, exitCode);
        Assert.Contains("no *.csv or *.csv.gz files", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_reports_rows_and_a_rejected_row_by_file_line_and_reason()
    {
        var input = Directory.CreateDirectory(Path.Combine(dataDirectory.FullName, "input")).FullName;
        const string header = "game_id,game_date,season,season_type,player_id,player_name,team,opponent,home,starter,minutes,pts,reb,oreb,dreb,ast,stl,blk,tov,pf,fgm,fga,fg3m,fg3a,ftm,fta,plus_minus";
        var rows = new List<string> { header };
        // 120 consistent rows over 60 games, then one with minutes out of range (under the 1% rule).
        for (var game = 0; game < 60; game++)
        {
            var id = $"00223{game:D5}";
            rows.Add($"{id},2023-11-01,2023-24,Regular Season,{1000 + game},Home Player {game},BOS,NYK,1,,30,10,5,1,4,3,1,0,2,2,4,9,1,3,1,2,5");
            rows.Add($"{id},2023-11-01,2023-24,Regular Season,{2000 + game},Away Player {game},NYK,BOS,0,,30,8,5,1,4,3,1,0,2,2,3,9,1,3,1,2,-5");
        }

        rows.Add("0022399999,2023-11-02,2023-24,Regular Season,3000,Broken Minutes,MIA,ORL,1,,99,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0");
        await File.WriteAllLinesAsync(Path.Combine(input, "slice.csv"), rows);

        var (exitCode, output, _) = await RunAsync("import", "--data", input);
        var (secondExit, secondOutput, _) = await RunAsync("import", "--data", input);

        Assert.Equal(0, exitCode);
        Assert.Contains("imported: 120 inserted, 0 updated, 1 rejected rows", output, StringComparison.Ordinal);
        Assert.Contains("slice.csv:122: minutes 99 is outside 0–70", output, StringComparison.Ordinal);
        Assert.Equal(0, secondExit);
        Assert.Contains("imported: 0 inserted, 0 updated, 1 rejected rows", secondOutput, StringComparison.Ordinal);
    }
}
