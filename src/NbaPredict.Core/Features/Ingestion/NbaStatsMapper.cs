using System.Globalization;
using System.Text.RegularExpressions;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Jobs;

namespace NbaPredict.Core.Features.Ingestion;

/// <summary>
/// Maps <c>leaguegamelog</c> player rows to the CSV format and checks them against the team log: a game whose
/// players' points do not add up to its team's points is incomplete (a log caught mid-update) and is rejected.
/// </summary>
public static partial class NbaStatsMapper
{
    // The CSV format's counting columns from pts to plus_minus, in its order.
    private static readonly string[] CountingStats =
        ["PTS", "REB", "OREB", "DREB", "AST", "STL", "BLK", "TOV", "PF", "FGM", "FGA", "FG3M", "FG3A", "FTM", "FTA", "PLUS_MINUS"];

    public static BoxScoreRecords Map(string sourceName, LeagueGameLog players, LeagueGameLog teams)
    {
        var records = new BoxScoreRecords(sourceName);
        int C(string header) => players.Column(header);
        var (gameId, gameDate, seasonId, playerId, playerName, team, matchup) =
            (C("GAME_ID"), C("GAME_DATE"), C("SEASON_ID"), C("PLAYER_ID"), C("PLAYER_NAME"), C("TEAM_ABBREVIATION"), C("MATCHUP"));
        int[] stats = [.. CountingStats.Select(C)];
        var minutes = C("MIN");
        var linesByGame = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        var pointsByTeamGame = new Dictionary<(string Game, string Team), int>();

        for (var i = 0; i < players.Rows.Count; i++)
        {
            var row = players.Rows[i];
            var line = i + 1;
            var id = row[gameId] ?? "";
            var code = (row[team] ?? "").Trim();
            if (!TryReadMatchup(row[matchup], code, out var opponent, out var home))
            {
                records.Reject(line, $"MATCHUP '{row[matchup]}' is neither 'AAA vs. BBB' nor 'AAA @ BBB' with team {code} on one side");
                continue;
            }

            var fields = new string[27];
            fields[0] = id;
            fields[1] = Date(row[gameDate]);
            fields[2] = Season(row[seasonId]);
            fields[3] = SeasonType(id);
            fields[4] = BoxScoreRecords.Number(row[playerId]);
            fields[5] = row[playerName] ?? "";
            fields[6] = code;
            fields[7] = opponent;
            fields[8] = home ? "1" : "0";
            fields[9] = "";
            fields[10] = BoxScoreRecords.Number(row[minutes], roundMinutes: true);
            for (var s = 0; s < stats.Length; s++)
            {
                fields[11 + s] = BoxScoreRecords.Number(row[stats[s]]);
            }

            records.Add(line, fields);
            (linesByGame.TryGetValue(id, out var set) ? set : linesByGame[id] = []).Add(line);
            if (int.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var points))
            {
                pointsByTeamGame[(id, code)] = pointsByTeamGame.GetValueOrDefault((id, code)) + points;
            }
        }

        CheckAgainstTeamLog(records, teams, linesByGame, pointsByTeamGame);
        return records;
    }

    private static void CheckAgainstTeamLog(BoxScoreRecords records, LeagueGameLog teams, Dictionary<string, HashSet<int>> linesByGame, Dictionary<(string Game, string Team), int> playerPoints)
    {
        var (gameId, team, points) = (teams.Column("GAME_ID"), teams.Column("TEAM_ABBREVIATION"), teams.Column("PTS"));
        var teamPoints = new Dictionary<(string Game, string Team), string?>();
        foreach (var row in teams.Rows)
        {
            teamPoints[(row[gameId] ?? "", (row[team] ?? "").Trim())] = BoxScoreRecords.Number(row[points]);
        }

        var withoutPlayers = teamPoints.Keys.Select(k => k.Game).Distinct(StringComparer.Ordinal).Where(g => !linesByGame.ContainsKey(g)).ToList();
        if (withoutPlayers.Count > 0)
        {
            throw new IngestionException($"{NbaStatsClient.SourceName}: the team log lists game(s) {string.Join(", ", withoutPlayers)} that have no player rows (the player log is incomplete)");
        }

        foreach (var (game, lines) in linesByGame)
        {
            var teamRows = teamPoints.Where(t => t.Key.Game == game).ToList();
            if (teamRows.Count == 0)
            {
                records.RejectLines(lines, $"game {game} is missing from the team log of the same day");
                continue;
            }

            foreach (var ((_, code), expected) in teamRows)
            {
                var actual = playerPoints.GetValueOrDefault((game, code));
                if (expected != actual.ToString(CultureInfo.InvariantCulture))
                {
                    records.RejectLines(lines, $"game {game}: {code} players' points sum to {actual} but the team log says {expected}");
                    break;
                }
            }
        }
    }

    /// <summary>"AAA vs. BBB" is AAA at home; "AAA @ BBB" is AAA away at BBB; either may be written from the other side.</summary>
    internal static bool TryReadMatchup(string? matchup, string team, out string opponent, out bool home)
    {
        opponent = "";
        home = false;
        var match = MatchupPattern().Match(matchup ?? "");
        if (!match.Success)
        {
            return false;
        }

        var (first, second) = (match.Groups[1].Value, match.Groups[3].Value);
        var firstIsHome = match.Groups[2].Value.StartsWith("vs", StringComparison.OrdinalIgnoreCase);
        if (string.Equals(team, first, StringComparison.OrdinalIgnoreCase))
        {
            (opponent, home) = (second, firstIsHome);
            return true;
        }

        if (string.Equals(team, second, StringComparison.OrdinalIgnoreCase))
        {
            (opponent, home) = (first, !firstIsHome);
            return true;
        }

        return false;
    }

    /// <summary>
    /// The scoreboard's games, played or not, so predictions can be made before tip-off. Rows with an unknown team
    /// or no game id are skipped: a schedule entry is never invented.
    /// </summary>
    public static IReadOnlyList<ScheduledGame> Schedule(ScoreboardGames board)
    {
        var (gameId, homeId, visitorId) = (board.Column("GAME_ID"), board.Column("HOME_TEAM_ID"), board.Column("VISITOR_TEAM_ID"));
        var season = Seasons.LabelOf(board.Date);
        var games = new Dictionary<string, ScheduledGame>(StringComparer.Ordinal);
        foreach (var row in board.Rows)
        {
            var id = (row[gameId] ?? "").Trim();
            if (id.Length == 0 || games.ContainsKey(id) || TeamOf(row[homeId]) is not { } home || TeamOf(row[visitorId]) is not { } away || home.Id == away.Id)
            {
                continue;
            }

            games[id] = new ScheduledGame(id, board.Date, season, SeasonType(id), home.Id, away.Id);
        }

        return [.. games.Values.OrderBy(g => g.GameId, StringComparer.Ordinal)];

        static Team? TeamOf(string? nbaId) =>
            int.TryParse(nbaId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? NbaTeams.FindById(id) : null;
    }

    private static string Date(string? value) =>
        value is { Length: >= 10 } && DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? value[..10]
            : value ?? "";

    /// <summary>NBA.com's SEASON_ID is the season type digit and the start year: <c>22023</c> is the 2023-24 regular season.</summary>
    private static string Season(string? seasonId) =>
        seasonId is { Length: 5 } && int.TryParse(seasonId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            ? Seasons.Label(year)
            : seasonId ?? "";

    /// <summary>The third digit of a game id is its kind, as the bundled data's <c>season_type</c> names it.</summary>
    private static string SeasonType(string gameId) => gameId.Length >= 3 ? gameId[2] switch
    {
        '1' => "Pre Season",
        '2' => "Regular Season",
        '3' => "All Star",
        '4' => "Playoffs",
        '5' => "PlayIn",
        '6' => "NBA Cup",
        _ => "",
    } : "";

    [GeneratedRegex(@"^\s*([A-Za-z]{2,4})\s+(vs\.?|@)\s+([A-Za-z]{2,4})\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex MatchupPattern();
}
