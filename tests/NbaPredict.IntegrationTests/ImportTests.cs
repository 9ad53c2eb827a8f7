using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Data;
using NbaPredict.Core.Import;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests;

/// <summary>The importer against each real provider: idempotency, corrections, rejections, the 1% rule.</summary>
public abstract class ImportTests(Provider provider) : IAsyncLifetime
{
    private TestDatabase database = null!;
    private NbaApp app = null!;
    private string dataDirectory = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(provider);
        app = new NbaApp(database);
        _ = app.Services; // starts the host, which applies migrations
        dataDirectory = Path.Combine(database.DataDirectory, "input");
        TestEnvironment.WriteSeasonSlice(dataDirectory, "2023-24", days: 6);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    private async Task<(int Teams, int Players, int Games, int BoxScores, int Seasons)> CountsAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NbaDbContext>();
        return (await db.Teams.CountAsync(), await db.Players.CountAsync(), await db.Games.CountAsync(), await db.PlayerGames.CountAsync(), await db.Seasons.CountAsync());
    }

    [Fact]
    public async Task Importing_the_same_folder_twice_changes_nothing()
    {
        var first = await app.ImportAsync(dataDirectory);
        var afterFirst = await CountsAsync();
        var second = await app.ImportAsync(dataDirectory);
        var afterSecond = await CountsAsync();

        var file = Assert.Single(first.Files);
        Assert.Equal(FileImportStatus.Imported, file.Status);
        Assert.True(file.Counts.Inserted > 500, $"only {file.Counts.Inserted} rows inserted");
        Assert.Equal(file.DataRows, file.Counts.Inserted);
        Assert.Equal(afterFirst, afterSecond);
        Assert.Equal(30, afterFirst.Teams);
        Assert.Equal(1, afterFirst.Seasons);
        var again = Assert.Single(second.Files);
        Assert.Equal((0, 0, file.DataRows), (again.Counts.Inserted, again.Counts.Updated, again.Counts.Unchanged));
    }

    [Fact]
    public async Task A_corrected_file_updates_only_the_changed_row_and_the_game_score()
    {
        await app.ImportAsync(dataDirectory);
        var path = Directory.GetFiles(dataDirectory).Single();
        var lines = await File.ReadAllLinesAsync(path);
        var columns = lines[1].Split(',');
        var gameId = columns[0];
        var playerId = int.Parse(columns[4], System.Globalization.CultureInfo.InvariantCulture);
        // One more made free throw: pts, ftm and fta all rise by one, so the row stays consistent.
        columns[11] = (int.Parse(columns[11], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        columns[24] = (int.Parse(columns[24], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        columns[25] = (int.Parse(columns[25], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        lines[1] = string.Join(',', columns);
        await File.WriteAllLinesAsync(path, lines);

        int scoreBefore;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NbaDbContext>();
            var game = await db.Games.SingleAsync(g => g.Id == gameId);
            scoreBefore = columns[8] == "1" ? game.HomeScore : game.AwayScore;
        }

        var report = await app.ImportAsync(dataDirectory);

        var file = Assert.Single(report.Files);
        Assert.Equal((0, 1), (file.Counts.Inserted, file.Counts.Updated));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NbaDbContext>();
            var row = await db.PlayerGames.SingleAsync(pg => pg.GameId == gameId && pg.PlayerId == playerId);
            Assert.Equal(int.Parse(columns[11], System.Globalization.CultureInfo.InvariantCulture), row.Pts);
            var game = await db.Games.SingleAsync(g => g.Id == gameId);
            Assert.Equal(scoreBefore + 1, columns[8] == "1" ? game.HomeScore : game.AwayScore);
        }
    }

    [Fact]
    public async Task A_corrupted_row_is_reported_by_file_line_and_reason_and_not_stored()
    {
        var path = Directory.GetFiles(dataDirectory).Single();
        var lines = await File.ReadAllLinesAsync(path);
        var columns = lines[5].Split(',');
        var badPlayer = int.Parse(columns[4], System.Globalization.CultureInfo.InvariantCulture);
        var badGame = columns[0];
        columns[11] = "999"; // points no longer match the shots made
        lines[5] = string.Join(',', columns);
        await File.WriteAllLinesAsync(path, lines);

        var report = await app.ImportAsync(dataDirectory);

        var file = Assert.Single(report.Files);
        Assert.Equal(FileImportStatus.Imported, file.Status);
        var error = Assert.Single(file.Errors);
        Assert.Equal((Path.GetFileName(path), 6), (error.File, error.Line));
        Assert.Contains("pts 999", error.Reason, StringComparison.Ordinal);
        Assert.Equal(lines.Length - 2, file.Counts.Inserted);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NbaDbContext>();
        Assert.False(await db.PlayerGames.AnyAsync(pg => pg.GameId == badGame && pg.PlayerId == badPlayer));
    }

    [Fact]
    public async Task A_file_with_more_than_one_percent_bad_rows_imports_nothing()
    {
        var path = Directory.GetFiles(dataDirectory).Single();
        var lines = await File.ReadAllLinesAsync(path);
        var broken = (lines.Length / 50) + 1; // about 2% of the rows
        for (var i = 1; i <= broken; i++)
        {
            lines[i * 2] = lines[i * 2].Replace(",Regular Season,", ",Regular Season,", StringComparison.Ordinal).Replace("2023-24", "2023-99", StringComparison.Ordinal);
        }

        await File.WriteAllLinesAsync(path, lines);

        var report = await app.ImportAsync(dataDirectory);

        var file = Assert.Single(report.Files);
        Assert.Equal(FileImportStatus.Rejected, file.Status);
        Assert.Contains("nothing imported", file.Reason, StringComparison.Ordinal);
        Assert.Equal(broken, file.Errors.Count);
        Assert.Equal((30, 0, 0, 0, 0), await CountsAsync());
    }
}

public sealed class SqliteImportTests() : ImportTests(Provider.Sqlite);

public sealed class PostgresImportTests() : ImportTests(Provider.Postgres);
