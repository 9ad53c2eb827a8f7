using System.Globalization;
using System.Text;
using NbaPredict.Ml.Data;

namespace NbaPredict.Ml.Features;

/// <summary>
/// Players known to miss a game, per team and game: an inactive list. The file form is a CSV with the header
/// <c>game_id,team,player_id</c> and one row per unavailable player, which <c>evaluate --absences</c> reads.
/// </summary>
public static class KnownAbsences
{
    /// <summary>The CSV header.</summary>
    public const string Header = "game_id,team,player_id";

    /// <summary>
    /// A stand-in for each game's inactive list, read from the box scores themselves: the players the team used
    /// earlier in the same season who are missing from that game's box score, most recently seen first, at most
    /// <see cref="FeatureStore.MaxUnavailable"/>. It reads the game day, so it serves training the known-absence model
    /// and measuring a ceiling, never a history-only prediction. It also holds the coach's decisions not to play
    /// someone, which a real inactive list does not.
    /// </summary>
    public static Dictionary<(string GameId, string Team), int[]> FromBoxScores(IEnumerable<PlayerGameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var sorted = records.OrderBy(r => r.Date).ThenBy(r => r.GameId, StringComparer.Ordinal).ToList();
        var result = new Dictionary<(string, string), int[]>();
        var lastSeen = new Dictionary<string, Dictionary<int, int>>(StringComparer.Ordinal); // team → player → last day, this season
        var season = int.MinValue;
        foreach (var (s, e) in FeatureStore.DayRuns(sorted))
        {
            var date = sorted[s].Date;
            if (FeatureStore.SeasonKeyOf(date) != season)
            {
                season = FeatureStore.SeasonKeyOf(date);
                lastSeen.Clear();
            }

            var playedToday = new HashSet<(string Team, int Player)>();
            for (var i = s; i < e; i++)
            {
                playedToday.Add((sorted[i].TeamCode, sorted[i].PlayerId));
            }

            for (var i = s; i < e; i++)
            {
                var key = (sorted[i].GameId, sorted[i].TeamCode);
                if (!result.ContainsKey(key))
                {
                    var team = sorted[i].TeamCode;
                    result[key] = lastSeen.TryGetValue(team, out var seen)
                        ? [.. seen.Where(kv => !playedToday.Contains((team, kv.Key))).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(FeatureStore.MaxUnavailable).Select(kv => kv.Key)]
                        : [];
                }
            }

            for (var i = s; i < e; i++)
            {
                if (!lastSeen.TryGetValue(sorted[i].TeamCode, out var seen))
                {
                    lastSeen[sorted[i].TeamCode] = seen = [];
                }

                seen[sorted[i].PlayerId] = date.DayNumber;
            }
        }

        return result;
    }

    /// <summary>Writes lists in the CSV form (games with an empty list get no rows).</summary>
    public static void Write(TextWriter writer, IReadOnlyDictionary<(string GameId, string Team), int[]> absences)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(absences);
        writer.Write(Header + "\n");
        foreach (var ((gameId, team), players) in absences.OrderBy(kv => kv.Key.GameId, StringComparer.Ordinal).ThenBy(kv => kv.Key.Team, StringComparer.Ordinal))
        {
            foreach (var player in players)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{gameId},{team},{player}\n"));
            }
        }
    }

    /// <summary>
    /// Reads the CSV form. A game and team named in the file has exactly the listed players out; throws
    /// <see cref="InvalidDataException"/> naming the line of the first bad row.
    /// </summary>
    public static Dictionary<(string GameId, string Team), int[]> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = reader.ReadLine()?.TrimStart('\uFEFF').Trim();
        if (header != Header)
        {
            throw new InvalidDataException($"line 1: expected the header '{Header}', got '{header}'");
        }

        var lists = new Dictionary<(string, string), List<int>>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != 3)
            {
                throw new InvalidDataException($"line {lineNumber}: expected 3 fields (game_id,team,player_id), got {fields.Length}");
            }

            var gameId = fields[0].Trim();
            var team = fields[1].Trim();
            if (gameId.Length == 0 || gameId.Length > 16)
            {
                throw new InvalidDataException($"line {lineNumber}: game_id '{gameId}' is empty or longer than 16 characters");
            }

            if (team.Length != 3 || !team.All(char.IsAsciiLetterUpper))
            {
                throw new InvalidDataException($"line {lineNumber}: team '{team}' is not a three-letter code such as BOS");
            }

            if (!int.TryParse(fields[2].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var player) || player <= 0)
            {
                throw new InvalidDataException($"line {lineNumber}: player_id '{fields[2].Trim()}' is not a positive integer");
            }

            if (!lists.TryGetValue((gameId, team), out var list))
            {
                lists[(gameId, team)] = list = [];
            }

            if (!list.Contains(player))
            {
                if (list.Count == FeatureStore.MaxUnavailable)
                {
                    throw new InvalidDataException($"line {lineNumber}: more than {FeatureStore.MaxUnavailable} players out for {team} in game {gameId}");
                }

                list.Add(player);
            }
        }

        return lists.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
    }
}
