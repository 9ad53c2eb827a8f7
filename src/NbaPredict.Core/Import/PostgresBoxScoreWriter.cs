using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace NbaPredict.Core.Import;

/// <summary>PostgreSQL: rows are staged with binary COPY, the fastest bulk path Npgsql offers.</summary>
public sealed class PostgresBoxScoreWriter : BoxScoreWriterBase
{
    protected override string CreateStagingTablesSql => """
        CREATE TEMP TABLE tmp_box (game_id varchar(10) NOT NULL, player_id integer NOT NULL, game_date date NOT NULL, season_id varchar(7) NOT NULL,
            team_id integer NOT NULL, opponent_team_id integer NOT NULL, home boolean NOT NULL, starter boolean NULL, minutes integer NOT NULL,
            pts integer NOT NULL, reb integer NOT NULL, oreb integer NOT NULL, dreb integer NOT NULL, ast integer NOT NULL, stl integer NOT NULL,
            blk integer NOT NULL, tov integer NOT NULL, pf integer NOT NULL, fgm integer NOT NULL, fga integer NOT NULL, fg3m integer NOT NULL,
            fg3a integer NOT NULL, ftm integer NOT NULL, fta integer NOT NULL, plus_minus integer NOT NULL) ON COMMIT DROP;
        CREATE TEMP TABLE tmp_games (id varchar(10) NOT NULL, date date NOT NULL, season_id varchar(7) NOT NULL, season_type varchar(32) NOT NULL,
            home_team_id integer NOT NULL, away_team_id integer NOT NULL) ON COMMIT DROP;
        CREATE TEMP TABLE tmp_players (id integer NOT NULL, name varchar(128) NOT NULL, search_name varchar(128) NOT NULL, latest_date date NOT NULL) ON COMMIT DROP;
        CREATE TEMP TABLE tmp_seasons (season_id varchar(7) NOT NULL, start_year integer NOT NULL) ON COMMIT DROP;
        """;

    // Staging tables vanish at commit (ON COMMIT DROP); nothing to do, but analyze helps the merge plans.
    protected override string DropStagingTablesSql => "SELECT 1;";

    protected override string UpdateGameScoresSql => """
        UPDATE games g SET home_score = s.home_score, away_score = s.away_score
        FROM (
            SELECT ga.id,
                coalesce(sum(pg.pts) FILTER (WHERE pg.team_id = ga.home_team_id), 0) AS home_score,
                coalesce(sum(pg.pts) FILTER (WHERE pg.team_id = ga.away_team_id), 0) AS away_score
            FROM games ga JOIN player_games pg ON pg.game_id = ga.id
            WHERE ga.id IN (SELECT id FROM tmp_games)
            GROUP BY ga.id
        ) s
        WHERE g.id = s.id AND (g.home_score, g.away_score) IS DISTINCT FROM (s.home_score, s.away_score);
        """;

    protected override string UpdatePlayerCurrentTeamSql => """
        UPDATE players p SET current_team_id = l.team_id, last_game_date = l.game_date
        FROM (
            SELECT DISTINCT ON (player_id) player_id, team_id, game_date FROM player_games
            WHERE player_id IN (SELECT id FROM tmp_players)
            ORDER BY player_id, game_date DESC, game_id DESC
        ) l
        WHERE p.id = l.player_id AND (p.current_team_id, p.last_game_date) IS DISTINCT FROM (l.team_id, l.game_date);
        """;

    protected override async Task StageAsync(DbConnection connection, DbTransaction transaction, ImportBatch batch, IProgress<int>? rowsStaged, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        await using (var box = await npgsql.BeginBinaryImportAsync($"COPY tmp_box ({BoxColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            var staged = 0;
            foreach (var r in batch.Rows)
            {
                await box.StartRowAsync(cancellationToken);
                await box.WriteAsync(r.GameId, NpgsqlDbType.Varchar, cancellationToken);
                await box.WriteAsync(r.PlayerId, NpgsqlDbType.Integer, cancellationToken);
                await box.WriteAsync(r.GameDate, NpgsqlDbType.Date, cancellationToken);
                await box.WriteAsync(r.Season, NpgsqlDbType.Varchar, cancellationToken);
                await box.WriteAsync(r.TeamId, NpgsqlDbType.Integer, cancellationToken);
                await box.WriteAsync(r.OpponentTeamId, NpgsqlDbType.Integer, cancellationToken);
                await box.WriteAsync(r.Home, NpgsqlDbType.Boolean, cancellationToken);
                if (r.Starter is { } starter)
                {
                    await box.WriteAsync(starter, NpgsqlDbType.Boolean, cancellationToken);
                }
                else
                {
                    await box.WriteNullAsync(cancellationToken);
                }

                foreach (var value in (int[])[r.Minutes, r.Pts, r.Reb, r.Oreb, r.Dreb, r.Ast, r.Stl, r.Blk, r.Tov, r.Pf, r.Fgm, r.Fga, r.Fg3m, r.Fg3a, r.Ftm, r.Fta, r.PlusMinus])
                {
                    await box.WriteAsync(value, NpgsqlDbType.Integer, cancellationToken);
                }

                if (++staged % 2000 == 0)
                {
                    rowsStaged?.Report(staged);
                }
            }

            await box.CompleteAsync(cancellationToken);
            rowsStaged?.Report(staged);
        }

        await using (var games = await npgsql.BeginBinaryImportAsync("COPY tmp_games (id, date, season_id, season_type, home_team_id, away_team_id) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var g in batch.Games)
            {
                await games.WriteRowAsync(cancellationToken, g.Id, g.Date, g.Season, g.SeasonType, g.HomeTeamId, g.AwayTeamId);
            }

            await games.CompleteAsync(cancellationToken);
        }

        await using (var players = await npgsql.BeginBinaryImportAsync("COPY tmp_players (id, name, search_name, latest_date) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var p in batch.Players)
            {
                await players.WriteRowAsync(cancellationToken, p.Id, p.Name, p.SearchName, p.LatestDate);
            }

            await players.CompleteAsync(cancellationToken);
        }

        await using (var seasons = await npgsql.BeginBinaryImportAsync("COPY tmp_seasons (season_id, start_year) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var s in batch.Seasons)
            {
                await seasons.WriteRowAsync(cancellationToken, s, SeasonStartYear(s));
            }

            await seasons.CompleteAsync(cancellationToken);
        }

        await ExecuteAsync(connection, transaction, "ANALYZE tmp_box; ANALYZE tmp_games; ANALYZE tmp_players;", cancellationToken);
    }
}
