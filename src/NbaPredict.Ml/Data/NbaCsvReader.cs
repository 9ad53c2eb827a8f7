using System.Globalization;
using System.Text;

namespace NbaPredict.Ml.Data;

/// <summary>
/// Minimal, framework-free reader for the player_games_&lt;season&gt;.csv format
/// (see data/nba/README.md). For .gz files the caller wraps the stream in a GZipStream.
/// Not a validating importer: it expects the documented header and unquoted fields.
/// </summary>
public static class NbaCsvReader
{
    private static readonly string[] ExpectedHeader =
    [
        "game_id", "game_date", "season", "season_type", "player_id", "player_name", "team", "opponent", "home",
        "starter", "minutes", "pts", "reb", "oreb", "dreb", "ast", "stl", "blk", "tov", "pf", "fgm", "fga",
        "fg3m", "fg3a", "ftm", "fta", "plus_minus",
    ];

    /// <summary>Reads all records of a CSV stream (header row first).</summary>
    public static List<PlayerGameRecord> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        var header = reader.ReadLine() ?? throw new FormatException("Empty CSV: no header row.");
        var cols = header.Split(',');
        var idx = new int[ExpectedHeader.Length];
        for (var i = 0; i < ExpectedHeader.Length; i++)
        {
            idx[i] = Array.IndexOf(cols, ExpectedHeader[i]);
            if (idx[i] < 0)
            {
                throw new FormatException($"CSV header is missing column '{ExpectedHeader[i]}'.");
            }
        }

        var result = new List<PlayerGameRecord>(30000);
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        var ranges = new Range[cols.Length + 1];
        string? line;
        var lineNo = 1;
        while ((line = reader.ReadLine()) != null)
        {
            lineNo++;
            if (line.Length == 0)
            {
                continue;
            }

            ReadOnlySpan<char> s = line;
            var n = s.Split(ranges, ',');
            if (n < cols.Length)
            {
                throw new FormatException($"Line {lineNo}: expected {cols.Length} fields, got {n}.");
            }

            try
            {
                result.Add(new PlayerGameRecord(
                    GameId: Intern(strings, s[ranges[idx[0]]]),
                    Date: DateOnly.ParseExact(s[ranges[idx[1]]], "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Season: Intern(strings, s[ranges[idx[2]]]),
                    PlayerId: Int(s[ranges[idx[4]]]),
                    TeamCode: Intern(strings, s[ranges[idx[6]]]),
                    OpponentCode: Intern(strings, s[ranges[idx[7]]]),
                    Home: Int(s[ranges[idx[8]]]) == 1,
                    Minutes: (int)Math.Round(double.Parse(s[ranges[idx[10]]], NumberStyles.Float, CultureInfo.InvariantCulture)),
                    Pts: Int(s[ranges[idx[11]]]),
                    Reb: Int(s[ranges[idx[12]]]),
                    Oreb: Int(s[ranges[idx[13]]]),
                    Dreb: Int(s[ranges[idx[14]]]),
                    Ast: Int(s[ranges[idx[15]]]),
                    Stl: Int(s[ranges[idx[16]]]),
                    Blk: Int(s[ranges[idx[17]]]),
                    Tov: Int(s[ranges[idx[18]]]),
                    Pf: Int(s[ranges[idx[19]]]),
                    Fgm: Int(s[ranges[idx[20]]]),
                    Fga: Int(s[ranges[idx[21]]]),
                    Fg3m: Int(s[ranges[idx[22]]]),
                    Fg3a: Int(s[ranges[idx[23]]]),
                    Ftm: Int(s[ranges[idx[24]]]),
                    Fta: Int(s[ranges[idx[25]]]),
                    PlusMinus: Int(s[ranges[idx[26]]])));
            }
            catch (FormatException ex)
            {
                throw new FormatException($"Line {lineNo}: {ex.Message}", ex);
            }
        }

        return result;
    }

    /// <summary>Reads a file; transparently decompresses when the name ends in .gz.</summary>
    public static List<PlayerGameRecord> ReadFile(string path)
    {
        using var fs = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            using var gz = new System.IO.Compression.GZipStream(fs, System.IO.Compression.CompressionMode.Decompress);
            return Read(gz);
        }

        return Read(fs);
    }

    /// <summary>Reads every player_games_*.csv(.gz) in a directory whose season is in <paramref name="seasons"/> (all when null), ordered by season.</summary>
    public static List<PlayerGameRecord> ReadDirectory(string directory, IEnumerable<string>? seasons = null)
    {
        var wanted = seasons?.ToHashSet(StringComparer.Ordinal);
        var all = new List<PlayerGameRecord>();
        foreach (var file in Directory.GetFiles(directory, "player_games_*.csv*").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var season = name["player_games_".Length..].Split('.')[0];
            if (wanted is null || wanted.Contains(season))
            {
                all.AddRange(ReadFile(file));
            }
        }

        return all;
    }

    private static int Int(ReadOnlySpan<char> s) => int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static string Intern(Dictionary<string, string> pool, ReadOnlySpan<char> s)
    {
        var lookup = pool.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(s, out var existing))
        {
            return existing;
        }

        var str = s.ToString();
        pool[str] = str;
        return str;
    }
}
