using System.Data.Common;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Import;

public readonly record struct WriteCounts(int Inserted, int Updated, int Unchanged);

/// <summary>Writes one file's validated rows inside the caller's transaction, as a set-based upsert.</summary>
public interface IBoxScoreWriter
{
    Task<WriteCounts> WriteAsync(DbConnection connection, DbTransaction transaction, ImportBatch batch, IProgress<int>? rowsStaged, CancellationToken cancellationToken);
}

public sealed record GameHeader(string Id, DateOnly Date, string Season, string SeasonType, int HomeTeamId, int AwayTeamId);

public sealed record PlayerHeader(int Id, string Name, string SearchName, DateOnly LatestDate);

/// <summary>What one file contributes: its box scores plus the games, players and seasons they imply.</summary>
public sealed class ImportBatch
{
    private ImportBatch(IReadOnlyList<BoxScoreRow> rows, IReadOnlyList<GameHeader> games, IReadOnlyList<PlayerHeader> players, IReadOnlyList<string> seasons)
    {
        Rows = rows;
        Games = games;
        Players = players;
        Seasons = seasons;
    }

    public IReadOnlyList<BoxScoreRow> Rows { get; }
    public IReadOnlyList<GameHeader> Games { get; }
    public IReadOnlyList<PlayerHeader> Players { get; }
    public IReadOnlyList<string> Seasons { get; }

    public static ImportBatch From(IReadOnlyList<BoxScoreRow> rows)
    {
        var games = rows.GroupBy(r => r.GameId).Select(g =>
        {
            var any = g.First();
            var homeTeam = any.Home ? any.TeamId : any.OpponentTeamId;
            var awayTeam = any.Home ? any.OpponentTeamId : any.TeamId;
            return new GameHeader(g.Key, any.GameDate, any.Season, any.SeasonType, homeTeam, awayTeam);
        }).ToList();

        var players = rows.GroupBy(r => r.PlayerId).Select(g =>
        {
            var latest = g.MaxBy(r => (r.GameDate, r.GameId))!;
            return new PlayerHeader(g.Key, latest.PlayerName, SearchText.Normalize(latest.PlayerName), latest.GameDate);
        }).ToList();

        var seasons = rows.Select(r => r.Season).Distinct(StringComparer.Ordinal).ToList();
        return new ImportBatch(rows, games, players, seasons);
    }
}

/// <summary>
/// The provider-neutral part of the upsert: rows are staged in temporary tables, then merged with statements
/// that only touch rows whose values differ, so re-importing identical data changes nothing.
/// </summary>
public abstract class BoxScoreWriterBase : IBoxScoreWriter
{
    protected const string BoxColumns =
        "game_id, player_id, game_date, season_id, team_id, opponent_team_id, home, starter, minutes, pts, reb, oreb, dreb, ast, stl, blk, tov, pf, fgm, fga, fg3m, fg3a, ftm, fta, plus_minus";

    protected const string BoxValueColumns =
        "game_date, season_id, team_id, opponent_team_id, home, starter, minutes, pts, reb, oreb, dreb, ast, stl, blk, tov, pf, fgm, fga, fg3m, fg3a, ftm, fta, plus_minus";

    public async Task<WriteCounts> WriteAsync(DbConnection connection, DbTransaction transaction, ImportBatch batch, IProgress<int>? rowsStaged, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, CreateStagingTablesSql, cancellationToken);
        await StageAsync(connection, transaction, batch, rowsStaged, cancellationToken);

        var before = await CountBoxScoresAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction,
            "INSERT INTO seasons (id, start_year, game_count) SELECT DISTINCT season_id, start_year, 0 FROM tmp_seasons WHERE true ON CONFLICT (id) DO NOTHING;",
            cancellationToken);
        await ExecuteAsync(connection, transaction, $"""
            INSERT INTO players (id, name, search_name, last_game_date)
            SELECT id, name, search_name, latest_date FROM tmp_players WHERE true
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, search_name = excluded.search_name
            WHERE players.name <> excluded.name AND (players.last_game_date IS NULL OR players.last_game_date <= excluded.last_game_date);
            """, cancellationToken);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO games (id, date, season_id, season_type, home_team_id, away_team_id, home_score, away_score)
            SELECT id, date, season_id, season_type, home_team_id, away_team_id, 0, 0 FROM tmp_games WHERE true
            ON CONFLICT (id) DO UPDATE SET date = excluded.date, season_id = excluded.season_id, season_type = excluded.season_type,
                home_team_id = excluded.home_team_id, away_team_id = excluded.away_team_id
            WHERE (games.date, games.season_id, games.season_type, games.home_team_id, games.away_team_id)
                IS DISTINCT FROM (excluded.date, excluded.season_id, excluded.season_type, excluded.home_team_id, excluded.away_team_id);
            """, cancellationToken);

        var assignments = string.Join(", ", BoxValueColumns.Split(", ").Select(c => $"{c} = excluded.{c}"));
        var current = string.Join(", ", BoxValueColumns.Split(", ").Select(c => $"player_games.{c}"));
        var incoming = string.Join(", ", BoxValueColumns.Split(", ").Select(c => $"excluded.{c}"));
        var changed = await ExecuteAsync(connection, transaction, $"""
            INSERT INTO player_games ({BoxColumns})
            SELECT {BoxColumns} FROM tmp_box WHERE true
            ON CONFLICT (game_id, player_id) DO UPDATE SET {assignments}
            WHERE ({current}) IS DISTINCT FROM ({incoming});
            """, cancellationToken);

        await ExecuteAsync(connection, transaction, UpdateGameScoresSql, cancellationToken);
        await ExecuteAsync(connection, transaction, UpdatePlayerCurrentTeamSql, cancellationToken);
        await ExecuteAsync(connection, transaction, """
            UPDATE seasons SET
                first_game_date = (SELECT min(g.date) FROM games g WHERE g.season_id = seasons.id),
                last_game_date = (SELECT max(g.date) FROM games g WHERE g.season_id = seasons.id),
                game_count = (SELECT count(*) FROM games g WHERE g.season_id = seasons.id)
            WHERE id IN (SELECT season_id FROM tmp_seasons);
            """, cancellationToken);
        await ExecuteAsync(connection, transaction, DropStagingTablesSql, cancellationToken);

        var after = await CountBoxScoresAsync(connection, transaction, cancellationToken);
        var inserted = (int)(after - before);
        var updated = changed - inserted;
        return new WriteCounts(inserted, updated, batch.Rows.Count - inserted - updated);
    }

    protected abstract string CreateStagingTablesSql { get; }

    protected abstract string DropStagingTablesSql { get; }

    protected abstract string UpdateGameScoresSql { get; }

    protected abstract string UpdatePlayerCurrentTeamSql { get; }

    protected abstract Task StageAsync(DbConnection connection, DbTransaction transaction, ImportBatch batch, IProgress<int>? rowsStaged, CancellationToken cancellationToken);

    protected static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 600;
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> CountBoxScoresAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM player_games;";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    protected static int SeasonStartYear(string season) =>
        Domain.Seasons.TryParseStartYear(season, out var year) ? year : 0;
}
