using System.Data.Common;
using System.Globalization;

namespace NbaPredict.Core.Import;

/// <summary>SQLite: rows are staged with one prepared statement per table inside the transaction.</summary>
public sealed class SqliteBoxScoreWriter : BoxScoreWriterBase
{
    protected override string CreateStagingTablesSql => """
        DROP TABLE IF EXISTS temp.tmp_box; DROP TABLE IF EXISTS temp.tmp_games; DROP TABLE IF EXISTS temp.tmp_players; DROP TABLE IF EXISTS temp.tmp_seasons;
        CREATE TEMP TABLE tmp_box (game_id TEXT NOT NULL, player_id INTEGER NOT NULL, game_date TEXT NOT NULL, season_id TEXT NOT NULL,
            team_id INTEGER NOT NULL, opponent_team_id INTEGER NOT NULL, home INTEGER NOT NULL, starter INTEGER NULL, minutes INTEGER NOT NULL,
            pts INTEGER NOT NULL, reb INTEGER NOT NULL, oreb INTEGER NOT NULL, dreb INTEGER NOT NULL, ast INTEGER NOT NULL, stl INTEGER NOT NULL,
            blk INTEGER NOT NULL, tov INTEGER NOT NULL, pf INTEGER NOT NULL, fgm INTEGER NOT NULL, fga INTEGER NOT NULL, fg3m INTEGER NOT NULL,
            fg3a INTEGER NOT NULL, ftm INTEGER NOT NULL, fta INTEGER NOT NULL, plus_minus INTEGER NOT NULL);
        CREATE TEMP TABLE tmp_games (id TEXT NOT NULL, date TEXT NOT NULL, season_id TEXT NOT NULL, season_type TEXT NOT NULL, home_team_id INTEGER NOT NULL, away_team_id INTEGER NOT NULL);
        CREATE TEMP TABLE tmp_players (id INTEGER NOT NULL, name TEXT NOT NULL, search_name TEXT NOT NULL, latest_date TEXT NOT NULL);
        CREATE TEMP TABLE tmp_seasons (season_id TEXT NOT NULL, start_year INTEGER NOT NULL);
        """;

    protected override string DropStagingTablesSql =>
        "DROP TABLE temp.tmp_box; DROP TABLE temp.tmp_games; DROP TABLE temp.tmp_players; DROP TABLE temp.tmp_seasons;";

    protected override string UpdateGameScoresSql => """
        UPDATE games SET
            home_score = (SELECT coalesce(sum(pg.pts), 0) FROM player_games pg WHERE pg.game_id = games.id AND pg.team_id = games.home_team_id),
            away_score = (SELECT coalesce(sum(pg.pts), 0) FROM player_games pg WHERE pg.game_id = games.id AND pg.team_id = games.away_team_id)
        WHERE id IN (SELECT id FROM tmp_games);
        """;

    protected override string UpdatePlayerCurrentTeamSql => """
        UPDATE players SET
            current_team_id = (SELECT pg.team_id FROM player_games pg WHERE pg.player_id = players.id ORDER BY pg.game_date DESC, pg.game_id DESC LIMIT 1),
            last_game_date = (SELECT max(pg.game_date) FROM player_games pg WHERE pg.player_id = players.id)
        WHERE id IN (SELECT id FROM tmp_players);
        """;

    protected override async Task StageAsync(DbConnection connection, DbTransaction transaction, ImportBatch batch, IProgress<int>? rowsStaged, CancellationToken cancellationToken)
    {
        await using (var box = Prepare(connection, transaction, "tmp_box", BoxColumns))
        {
            var staged = 0;
            foreach (var r in batch.Rows)
            {
                Set(box, r.GameId, r.PlayerId, Date(r.GameDate), r.Season, r.TeamId, r.OpponentTeamId, r.Home ? 1 : 0,
                    r.Starter is null ? DBNull.Value : (r.Starter.Value ? 1 : 0), r.Minutes, r.Pts, r.Reb, r.Oreb, r.Dreb, r.Ast,
                    r.Stl, r.Blk, r.Tov, r.Pf, r.Fgm, r.Fga, r.Fg3m, r.Fg3a, r.Ftm, r.Fta, r.PlusMinus);
                await box.ExecuteNonQueryAsync(cancellationToken);
                if (++staged % 2000 == 0)
                {
                    rowsStaged?.Report(staged);
                }
            }

            rowsStaged?.Report(staged);
        }

        await using (var games = Prepare(connection, transaction, "tmp_games", "id, date, season_id, season_type, home_team_id, away_team_id"))
        {
            foreach (var g in batch.Games)
            {
                Set(games, g.Id, Date(g.Date), g.Season, g.SeasonType, g.HomeTeamId, g.AwayTeamId);
                await games.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var players = Prepare(connection, transaction, "tmp_players", "id, name, search_name, latest_date"))
        {
            foreach (var p in batch.Players)
            {
                Set(players, p.Id, p.Name, p.SearchName, Date(p.LatestDate));
                await players.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using var seasons = Prepare(connection, transaction, "tmp_seasons", "season_id, start_year");
        foreach (var s in batch.Seasons)
        {
            Set(seasons, s, SeasonStartYear(s));
            await seasons.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    // EF Core's SQLite provider stores DateOnly as ISO text, so staged dates must match that form exactly.
    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DbCommand Prepare(DbConnection connection, DbTransaction transaction, string table, string columns)
    {
        var names = columns.Split(", ");
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {table} ({columns}) VALUES ({string.Join(", ", names.Select((_, i) => $"$p{i}"))});";
        for (var i = 0; i < names.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"$p{i}";
            command.Parameters.Add(parameter);
        }

        command.Prepare();
        return command;
    }

    private static void Set(DbCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }
}
