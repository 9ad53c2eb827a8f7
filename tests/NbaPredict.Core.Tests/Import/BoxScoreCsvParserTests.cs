using System.Text;
using NbaPredict.Core.Import;

namespace NbaPredict.Core.Tests.Import;

public sealed class BoxScoreCsvParserTests
{
    private const string Header = "game_id,game_date,season,season_type,player_id,player_name,team,opponent,home,starter,minutes,pts,reb,oreb,dreb,ast,stl,blk,tov,pf,fgm,fga,fg3m,fg3a,ftm,fta,plus_minus";

    // A real game: BOS at home against NYK, 2023-10-25 (values adjusted only where a test says so).
    private const string HomeRow = "0022300061,2023-10-25,2023-24,Regular Season,1628369,Jayson Tatum,BOS,NYK,1,,36,24,11,2,9,4,1,1,2,1,7,19,3,9,7,8,15";
    private const string AwayRow = "0022300061,2023-10-25,2023-24,Regular Season,1628973,Jalen Brunson,NYK,BOS,0,,35,29,3,0,3,4,2,0,1,2,11,24,3,8,4,4,-1";

    private static Task<ParsedFile> Parse(params string[] lines) =>
        BoxScoreCsvParser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n")), "test.csv");

    [Fact]
    public async Task Valid_rows_parse_with_every_column()
    {
        var parsed = await Parse(Header, HomeRow, AwayRow);

        Assert.Empty(parsed.Errors);
        Assert.Equal(2, parsed.Rows.Count);
        var tatum = parsed.Rows[0];
        Assert.Equal("0022300061", tatum.GameId);
        Assert.Equal(new DateOnly(2023, 10, 25), tatum.GameDate);
        Assert.Equal(1628369, tatum.PlayerId);
        Assert.True(tatum.Home);
        Assert.Null(tatum.Starter);
        Assert.Equal((36, 24, 11, 2, 9, 4, 1, 1, 2, 1), (tatum.Minutes, tatum.Pts, tatum.Reb, tatum.Oreb, tatum.Dreb, tatum.Ast, tatum.Stl, tatum.Blk, tatum.Tov, tatum.Pf));
        Assert.Equal((7, 19, 3, 9, 7, 8, 15), (tatum.Fgm, tatum.Fga, tatum.Fg3m, tatum.Fg3a, tatum.Ftm, tatum.Fta, tatum.PlusMinus));
    }

    public static TheoryData<string, string> BrokenRows => new()
    {
        { HomeRow.Replace("0022300061", "22300061", StringComparison.Ordinal), "not a 10-digit NBA game id" },
        { HomeRow.Replace("2023-10-25", "2023-13-40", StringComparison.Ordinal), "not a date" },
        { HomeRow.Replace("2023-10-25", "2025-01-05", StringComparison.Ordinal), "outside season 2023-24" },
        { HomeRow.Replace("2023-24", "2023-25", StringComparison.Ordinal), "not a label" },
        { HomeRow.Replace(",BOS,NYK,", ",XYZ,NYK,", StringComparison.Ordinal), "team 'XYZ' is not a known NBA team code" },
        { HomeRow.Replace(",BOS,NYK,", ",BOS,BOS,", StringComparison.Ordinal), "team and opponent are both BOS" },
        { HomeRow.Replace(",1,,36,", ",2,,36,", StringComparison.Ordinal), "home '2' must be 1 or 0" },
        { HomeRow.Replace(",1,,36,", ",1,,71,", StringComparison.Ordinal), "minutes 71 is outside" },
        { HomeRow.Replace(",1,,36,", ",1,,-3,", StringComparison.Ordinal), "minutes '-3' is not a non-negative integer" },
        { HomeRow.Replace(",1,,36,24,", ",1,,36,abc,", StringComparison.Ordinal), "pts 'abc'" },
        { HomeRow.Replace(",1,,36,24,", ",1,,36,25,", StringComparison.Ordinal), "pts 25 is not 2·fgm + fg3m + ftm = 24" },
        { HomeRow.Replace(",36,24,11,2,9,", ",36,24,12,2,9,", StringComparison.Ordinal), "reb 12 is not oreb + dreb" },
        { HomeRow.Replace(",7,19,3,9,7,8,", ",7,6,3,9,7,8,", StringComparison.Ordinal), "fgm 7 is more than fga 6" },
        { HomeRow.Replace(",7,19,3,9,7,8,", ",7,19,3,2,7,8,", StringComparison.Ordinal), "fg3m 3 is more than fg3a 2" },
        { HomeRow.Replace(",7,19,3,9,7,8,", ",7,19,3,9,7,6,", StringComparison.Ordinal), "ftm 7 is more than fta 6" },
        { HomeRow.Replace(",1628369,", ",0,", StringComparison.Ordinal), "player_id '0' is not a positive integer" },
        { HomeRow.Replace("Jayson Tatum", string.Empty, StringComparison.Ordinal), "player_name is empty" },
        { "0022300061,2023-10-25,2023-24", "expected 27 fields" },
    };

    [Theory]
    [MemberData(nameof(BrokenRows))]
    public async Task Each_broken_row_is_rejected_with_file_line_and_reason(string brokenRow, string expectedReason)
    {
        var parsed = await Parse(Header, AwayRow, brokenRow);

        var error = Assert.Single(parsed.Errors);
        Assert.Equal("test.csv", error.File);
        Assert.Equal(3, error.Line);
        Assert.Contains(expectedReason, error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(parsed.Rows, r => r.Line == 3);
        Assert.Single(parsed.Rows);
    }

    [Fact]
    public async Task Duplicate_game_and_player_is_rejected_and_first_kept()
    {
        var parsed = await Parse(Header, HomeRow, AwayRow, HomeRow);

        var error = Assert.Single(parsed.Errors);
        Assert.Equal(4, error.Line);
        Assert.Contains("duplicate", error.Reason, StringComparison.Ordinal);
        Assert.Equal(2, parsed.Rows.Count);
    }

    [Fact]
    public async Task Game_whose_teams_are_both_home_is_rejected_whole()
    {
        var bothHome = AwayRow.Replace(",NYK,BOS,0,", ",NYK,BOS,1,", StringComparison.Ordinal);
        var parsed = await Parse(Header, HomeRow, bothHome);

        Assert.Empty(parsed.Rows);
        Assert.Equal(2, parsed.Errors.Count);
        Assert.All(parsed.Errors, e => Assert.Contains("both teams are marked as home", e.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Game_rows_on_different_dates_are_rejected()
    {
        var otherDate = AwayRow.Replace("2023-10-25", "2023-10-26", StringComparison.Ordinal);
        var parsed = await Parse(Header, HomeRow, otherDate);

        Assert.Empty(parsed.Rows);
        Assert.All(parsed.Errors, e => Assert.Contains("disagree on game_date", e.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_column_rejects_the_file_and_names_the_column()
    {
        var parsed = await Parse(Header.Replace(",plus_minus", string.Empty, StringComparison.Ordinal), HomeRow);

        Assert.NotNull(parsed.FileError);
        Assert.Contains("plus_minus", parsed.FileError, StringComparison.Ordinal);
        Assert.Empty(parsed.Rows);
    }

    [Fact]
    public async Task Gzip_files_are_read_like_plain_ones()
    {
        var directory = Directory.CreateTempSubdirectory("nba-parser-");
        try
        {
            var path = Path.Combine(directory.FullName, "one.csv.gz");
            await using (var file = File.Create(path))
            await using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
            {
                await gzip.WriteAsync(Encoding.UTF8.GetBytes($"{Header}\n{HomeRow}\n{AwayRow}\n"));
            }

            var parsed = await BoxScoreCsvParser.ParseFileAsync(path);

            Assert.Equal(2, parsed.Rows.Count);
            Assert.Equal("one.csv.gz", parsed.FileName);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
