using System.Globalization;
using System.IO.Compression;
using NbaPredict.Core.Domain;
using Sylvan.Data.Csv;

namespace NbaPredict.Core.Import;

/// <summary>
/// Reads the box-score CSV format (plain or gzip) and validates every row on its own and against the
/// other rows of its game. It never throws for bad data: problems come back as <see cref="RowError"/>s.
/// </summary>
public static class BoxScoreCsvParser
{
    public static readonly string[] Columns =
    [
        "game_id", "game_date", "season", "season_type", "player_id", "player_name", "team", "opponent", "home",
        "starter", "minutes", "pts", "reb", "oreb", "dreb", "ast", "stl", "blk", "tov", "pf", "fgm", "fga",
        "fg3m", "fg3a", "ftm", "fta", "plus_minus",
    ];

    public const int MaxMinutes = 70;

    public static async Task<ParsedFile> ParseFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = File.OpenRead(path);
        Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
        await using (stream)
        {
            return await ParseAsync(stream, Path.GetFileName(path), cancellationToken);
        }
    }

    public static async Task<ParsedFile> ParseAsync(Stream stream, string fileName, CancellationToken cancellationToken = default)
    {
        using var text = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        CsvDataReader reader;
        try
        {
            reader = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',' }, cancellationToken);
        }
        catch (CsvFormatException ex)
        {
            return new ParsedFile(fileName, [], [], 0, $"not a readable CSV file ({ex.Message})");
        }

        await using (reader)
        {
            var header = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetName(i).Trim()).ToList();
            var ordinals = new int[Columns.Length];
            var missing = new List<string>();
            for (var i = 0; i < Columns.Length; i++)
            {
                ordinals[i] = header.FindIndex(h => string.Equals(h, Columns[i], StringComparison.OrdinalIgnoreCase));
                if (ordinals[i] < 0)
                {
                    missing.Add(Columns[i]);
                }
            }

            if (missing.Count > 0)
            {
                return new ParsedFile(fileName, [], [], 0, $"header lacks column(s) {string.Join(", ", missing)}");
            }

            var fields = new string[Columns.Length];
            var rows = new List<BoxScoreRow>(32_000);
            var errors = new List<RowError>();
            var line = 1;
            var dataRows = 0;
            while (true)
            {
                bool more;
                try
                {
                    more = await reader.ReadAsync(cancellationToken);
                }
                catch (CsvFormatException ex)
                {
                    line++;
                    dataRows++;
                    errors.Add(new RowError(fileName, line, $"malformed CSV ({ex.Message}); reading stopped here"));
                    break;
                }

                if (!more)
                {
                    break;
                }

                line++;
                dataRows++;
                if (reader.RowFieldCount < Columns.Length)
                {
                    errors.Add(new RowError(fileName, line, $"expected {Columns.Length} fields, found {reader.RowFieldCount}"));
                    continue;
                }

                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = reader.GetString(ordinals[i]);
                }

                AddRow(fileName, fields, line, rows, errors);
            }

            var valid = CrossValidate(fileName, rows, errors);
            errors.Sort((a, b) => a.Line.CompareTo(b.Line));
            return new ParsedFile(fileName, valid, errors, dataRows, null);
        }
    }

    /// <summary>
    /// Validates records that arrive in another shape (an API's rows, mapped to <see cref="Columns"/> order as
    /// text) with exactly the checks a CSV row gets; <paramref name="records"/> carry their own line numbers.
    /// </summary>
    public static ParsedFile ValidateRecords(string sourceName, IReadOnlyList<(int Line, IReadOnlyList<string> Fields)> records)
    {
        var rows = new List<BoxScoreRow>(records.Count);
        var errors = new List<RowError>();
        foreach (var (line, fields) in records)
        {
            if (fields.Count != Columns.Length)
            {
                errors.Add(new RowError(sourceName, line, $"expected {Columns.Length} fields, found {fields.Count}"));
                continue;
            }

            AddRow(sourceName, fields, line, rows, errors);
        }

        var valid = CrossValidate(sourceName, rows, errors);
        errors.Sort((a, b) => a.Line.CompareTo(b.Line));
        return new ParsedFile(sourceName, valid, errors, records.Count, null);
    }

    private static void AddRow(string sourceName, IReadOnlyList<string> fields, int line, List<BoxScoreRow> rows, List<RowError> errors)
    {
        var row = ReadRow(fields, line, out var reason);
        if (row is null)
        {
            errors.Add(new RowError(sourceName, line, reason!));
        }
        else
        {
            rows.Add(row);
        }
    }

    private static BoxScoreRow? ReadRow(IReadOnlyList<string> fields, int line, out string? reason)
    {
        reason = null;
        string Text(int column) => fields[column].Trim();

        var gameId = Text(0);
        if (gameId.Length != 10 || !gameId.All(char.IsAsciiDigit))
        {
            reason = $"game_id '{Truncate(gameId)}' is not a 10-digit NBA game id";
            return null;
        }

        if (!DateOnly.TryParseExact(Text(1), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            reason = $"game_date '{Truncate(Text(1))}' is not a date in YYYY-MM-DD form";
            return null;
        }

        var season = Text(2);
        if (!Seasons.TryParseStartYear(season, out var startYear))
        {
            reason = $"season '{Truncate(season)}' is not a label like 2019-20";
            return null;
        }

        var (from, to) = Seasons.Window(startYear);
        if (date < from || date > to)
        {
            reason = $"game_date {date:yyyy-MM-dd} lies outside season {season} ({from:yyyy-MM-dd} to {to:yyyy-MM-dd})";
            return null;
        }

        var seasonType = Text(3);
        if (seasonType.Length == 0)
        {
            reason = "season_type is empty";
            return null;
        }

        if (!int.TryParse(Text(4), NumberStyles.None, CultureInfo.InvariantCulture, out var playerId) || playerId <= 0)
        {
            reason = $"player_id '{Truncate(Text(4))}' is not a positive integer";
            return null;
        }

        var playerName = Text(5);
        if (playerName.Length is 0 or > 128)
        {
            reason = "player_name is empty or longer than 128 characters";
            return null;
        }

        if (!NbaTeams.TryGetByCode(Text(6), out var team))
        {
            reason = $"team '{Truncate(Text(6))}' is not a known NBA team code";
            return null;
        }

        if (!NbaTeams.TryGetByCode(Text(7), out var opponent))
        {
            reason = $"opponent '{Truncate(Text(7))}' is not a known NBA team code";
            return null;
        }

        if (team.Id == opponent.Id)
        {
            reason = $"team and opponent are both {team.Abbreviation}";
            return null;
        }

        var homeText = Text(8);
        if (homeText is not ("0" or "1"))
        {
            reason = $"home '{Truncate(homeText)}' must be 1 or 0";
            return null;
        }

        bool? starter = Text(9) switch
        {
            "" => null,
            "1" => true,
            "0" => false,
            _ => null,
        };
        if (starter is null && Text(9).Length > 0)
        {
            reason = $"starter '{Truncate(Text(9))}' must be empty, 1 or 0";
            return null;
        }

        Span<int> numbers = stackalloc int[17];
        for (var i = 0; i < numbers.Length; i++)
        {
            var column = 10 + i;
            var value = Text(column);
            var allowSign = Columns[column] == "plus_minus";
            var styles = allowSign ? NumberStyles.AllowLeadingSign : NumberStyles.None;
            if (!int.TryParse(value, styles, CultureInfo.InvariantCulture, out numbers[i]))
            {
                // Minutes may arrive as "34.0" from some exports; accept a whole number written with decimals.
                if (column == 10 && decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var minutes) && minutes == decimal.Truncate(minutes))
                {
                    numbers[i] = (int)minutes;
                    continue;
                }

                reason = $"{Columns[column]} '{Truncate(value)}' is not {(allowSign ? "an integer" : "a non-negative integer")}";
                return null;
            }
        }

        var row = new BoxScoreRow
        {
            Line = line,
            GameId = gameId,
            GameDate = date,
            Season = season,
            SeasonType = seasonType,
            PlayerId = playerId,
            PlayerName = playerName,
            TeamId = team.Id,
            OpponentTeamId = opponent.Id,
            Home = homeText == "1",
            Starter = starter,
            Minutes = numbers[0],
            Pts = numbers[1],
            Reb = numbers[2],
            Oreb = numbers[3],
            Dreb = numbers[4],
            Ast = numbers[5],
            Stl = numbers[6],
            Blk = numbers[7],
            Tov = numbers[8],
            Pf = numbers[9],
            Fgm = numbers[10],
            Fga = numbers[11],
            Fg3m = numbers[12],
            Fg3a = numbers[13],
            Ftm = numbers[14],
            Fta = numbers[15],
            PlusMinus = numbers[16],
        };

        reason = CheckConsistency(row);
        return reason is null ? row : null;
    }

    private static string? CheckConsistency(BoxScoreRow r)
    {
        if (r.Minutes > MaxMinutes)
        {
            return $"minutes {r.Minutes} is outside 0–{MaxMinutes}";
        }

        if (r.Fgm > r.Fga)
        {
            return $"fgm {r.Fgm} is more than fga {r.Fga}";
        }

        if (r.Fg3m > r.Fg3a)
        {
            return $"fg3m {r.Fg3m} is more than fg3a {r.Fg3a}";
        }

        if (r.Ftm > r.Fta)
        {
            return $"ftm {r.Ftm} is more than fta {r.Fta}";
        }

        if (r.Fg3m > r.Fgm || r.Fg3a > r.Fga)
        {
            return "three-pointers exceed field goals";
        }

        var expectedPoints = (2 * r.Fgm) + r.Fg3m + r.Ftm;
        if (r.Pts != expectedPoints)
        {
            return $"pts {r.Pts} is not 2·fgm + fg3m + ftm = {expectedPoints}";
        }

        if (r.Reb != r.Oreb + r.Dreb)
        {
            return $"reb {r.Reb} is not oreb + dreb = {r.Oreb + r.Dreb}";
        }

        return null;
    }

    /// <summary>
    /// Checks that need several rows: no duplicate (game, player), and every game names two teams that face
    /// each other on one date in one season, with exactly one of them at home.
    /// </summary>
    private static List<BoxScoreRow> CrossValidate(string fileName, List<BoxScoreRow> rows, List<RowError> errors)
    {
        var seen = new HashSet<(string, int)>();
        var unique = new List<BoxScoreRow>(rows.Count);
        foreach (var row in rows)
        {
            if (seen.Add((row.GameId, row.PlayerId)))
            {
                unique.Add(row);
            }
            else
            {
                errors.Add(new RowError(fileName, row.Line, $"duplicate of an earlier row for game {row.GameId} and player {row.PlayerId}"));
            }
        }

        var valid = new List<BoxScoreRow>(unique.Count);
        foreach (var game in unique.GroupBy(r => r.GameId))
        {
            var reason = CheckGame(game.ToList());
            if (reason is null)
            {
                valid.AddRange(game);
            }
            else
            {
                errors.AddRange(game.Select(r => new RowError(fileName, r.Line, $"game {r.GameId}: {reason}")));
            }
        }

        return valid;
    }

    private static string? CheckGame(List<BoxScoreRow> rows)
    {
        var first = rows[0];
        if (rows.Any(r => r.GameDate != first.GameDate))
        {
            return "rows disagree on game_date";
        }

        if (rows.Any(r => r.Season != first.Season || r.SeasonType != first.SeasonType))
        {
            return "rows disagree on season or season_type";
        }

        var teams = rows.Select(r => (r.TeamId, r.OpponentTeamId, r.Home)).Distinct().ToList();
        if (teams.Count > 2)
        {
            return "rows name more than two teams or disagree on home";
        }

        if (teams.Count == 2)
        {
            var (a, b) = (teams[0], teams[1]);
            if (a.TeamId != b.OpponentTeamId || b.TeamId != a.OpponentTeamId)
            {
                return "the two teams do not name each other as opponent";
            }

            if (a.Home == b.Home)
            {
                return "both teams are marked as " + (a.Home ? "home" : "away");
            }
        }

        return null;
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
