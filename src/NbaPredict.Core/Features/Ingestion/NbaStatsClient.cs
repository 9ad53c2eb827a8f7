using System.Globalization;
using System.Text.Json;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Features.Ingestion;

/// <summary>Which rows <c>leaguegamelog</c> returns: one per player-game (<c>P</c>) or per team-game (<c>T</c>).</summary>
public enum GameLogKind
{
    Players,
    Teams,
}

/// <summary>A result set of the NBA Stats API: its headers and its rows, every cell as invariant text (null stays null).</summary>
public abstract record StatsResultSet(IReadOnlyList<string> Headers, IReadOnlyList<string?[]> Rows)
{
    public int Column(string header)
    {
        for (var i = 0; i < Headers.Count; i++)
        {
            if (string.Equals(Headers[i], header, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>A <c>LeagueGameLog</c> result set: the day's player-games or team-games, of games that have started.</summary>
public sealed record LeagueGameLog(GameLogKind Kind, DateOnly Date, IReadOnlyList<string> Headers, IReadOnlyList<string?[]> Rows)
    : StatsResultSet(Headers, Rows);

/// <summary>The <c>GameHeader</c> result set of <c>scoreboardv2</c>: every game of the day, played or not, with NBA.com ids.</summary>
public sealed record ScoreboardGames(DateOnly Date, IReadOnlyList<string> Headers, IReadOnlyList<string?[]> Rows)
    : StatsResultSet(Headers, Rows);

/// <summary>The NBA Stats API (stats.nba.com): <c>leaguegamelog</c> for results, <c>scoreboardv2</c> for the schedule.</summary>
public interface INbaStatsClient
{
    Task<LeagueGameLog> GetLeagueGameLogAsync(DateOnly date, GameLogKind kind, CancellationToken cancellationToken = default);

    /// <summary>The games scheduled on <paramref name="date"/> (US Eastern), including those not yet played.</summary>
    Task<ScoreboardGames> GetScoreboardAsync(DateOnly date, CancellationToken cancellationToken = default);
}

public sealed class NbaStatsClient(HttpClient http, RawResponseCache cache, Microsoft.Extensions.Options.IOptions<IngestionOptions> options, TimeProvider time) : INbaStatsClient
{
    public const string SourceName = "nba-stats";

    public static readonly string[] PlayerHeaders =
    [
        "SEASON_ID", "PLAYER_ID", "PLAYER_NAME", "TEAM_ABBREVIATION", "GAME_ID", "GAME_DATE", "MATCHUP", "MIN", "FGM", "FGA",
        "FG3M", "FG3A", "FTM", "FTA", "OREB", "DREB", "REB", "AST", "STL", "BLK", "TOV", "PF", "PTS", "PLUS_MINUS",
    ];

    public static readonly string[] TeamHeaders = ["TEAM_ABBREVIATION", "GAME_ID", "GAME_DATE", "MATCHUP", "PTS"];

    public static readonly string[] ScoreboardHeaders = ["GAME_ID", "GAME_DATE_EST", "HOME_TEAM_ID", "VISITOR_TEAM_ID"];

    /// <summary>The browser-like headers stats.nba.com insists on; without them it stalls or answers 403.</summary>
    public static void ConfigureHeaders(HttpClient client)
    {
        var headers = client.DefaultRequestHeaders;
        headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
        headers.TryAddWithoutValidation("Accept", "application/json, text/plain, */*");
        headers.TryAddWithoutValidation("Accept-Language", "en-US,en;q=0.9");
        headers.TryAddWithoutValidation("Referer", "https://www.nba.com/");
        headers.TryAddWithoutValidation("Origin", "https://www.nba.com");
        headers.TryAddWithoutValidation("x-nba-stats-origin", "stats");
        headers.TryAddWithoutValidation("x-nba-stats-token", "true");
    }

    public Task<LeagueGameLog> GetLeagueGameLogAsync(DateOnly date, GameLogKind kind, CancellationToken cancellationToken = default)
    {
        var code = kind == GameLogKind.Players ? "P" : "T";
        var season = Seasons.Label(date.Month >= 9 ? date.Year : date.Year - 1);
        var day = Uri.EscapeDataString(date.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture));
        var url = $"leaguegamelog?Counter=0&DateFrom={day}&DateTo={day}&Direction=ASC&LeagueID=00&PlayerOrTeam={code}" +
                  $"&Season={season}&SeasonType={Uri.EscapeDataString(options.Value.SeasonType)}&Sorter=DATE";
        var what = $"leaguegamelog {code} {date:yyyy-MM-dd}";
        var key = $"leaguegamelog-{code}-{date:yyyy-MM-dd}";
        return ApiFetcher.GetAsync(http, cache, SourceName, key, url, what,
            body => Parse(body, kind, date, what),
            _ => DayIsOver(date, time),
            cancellationToken);
    }

    public Task<ScoreboardGames> GetScoreboardAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var url = $"scoreboardv2?DayOffset=0&GameDate={date:yyyy-MM-dd}&LeagueID=00";
        var what = $"scoreboardv2 {date:yyyy-MM-dd}";
        return ApiFetcher.GetAsync(http, cache, SourceName, $"scoreboardv2-{date:yyyy-MM-dd}", url, what,
            body => ParseScoreboard(body, date, what),
            _ => DayIsOver(date, time),
            cancellationToken);
    }

    /// <summary>A game day's numbers settle once the day is over in US Eastern time, where NBA dates are kept.</summary>
    internal static bool DayIsOver(DateOnly date, TimeProvider time)
    {
        TimeZoneInfo eastern;
        try
        {
            eastern = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        }
        catch (TimeZoneNotFoundException)
        {
            eastern = TimeZoneInfo.CreateCustomTimeZone("EST", TimeSpan.FromHours(-5), "EST", "EST");
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), eastern).DateTime);
        return date < today;
    }

    /// <summary>Checks the envelope and the columns the mapping needs; anything else is an error naming the problem.</summary>
    public static LeagueGameLog Parse(string body, GameLogKind kind, DateOnly date, string what)
    {
        var (headers, rows) = ReadResultSet(body, "LeagueGameLog", kind == GameLogKind.Players ? PlayerHeaders : TeamHeaders, what);
        return new LeagueGameLog(kind, date, headers, rows);
    }

    /// <summary>As <see cref="Parse"/>, for the scoreboard's <c>GameHeader</c> result set.</summary>
    public static ScoreboardGames ParseScoreboard(string body, DateOnly date, string what)
    {
        var (headers, rows) = ReadResultSet(body, "GameHeader", ScoreboardHeaders, what);
        return new ScoreboardGames(date, headers, rows);
    }

    private static (List<string> Headers, List<string?[]> Rows) ReadResultSet(string body, string setName, string[] required, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new IngestionException($"{SourceName}: {what} is not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("resultSets", out var sets) || sets.ValueKind != JsonValueKind.Array)
            {
                throw new IngestionException($"{SourceName}: {what} has no resultSets array");
            }

            var set = sets.EnumerateArray().FirstOrDefault(s =>
                s.ValueKind == JsonValueKind.Object && s.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == setName);
            if (set.ValueKind != JsonValueKind.Object)
            {
                throw new IngestionException($"{SourceName}: {what} has no {setName} result set");
            }

            if (!set.TryGetProperty("headers", out var headerArray) || headerArray.ValueKind != JsonValueKind.Array ||
                !set.TryGetProperty("rowSet", out var rowArray) || rowArray.ValueKind != JsonValueKind.Array)
            {
                throw new IngestionException($"{SourceName}: {what} {setName} lacks headers or rowSet");
            }

            var headers = headerArray.EnumerateArray().Select(h => h.ValueKind == JsonValueKind.String ? h.GetString()! : h.GetRawText()).ToList();
            var missing = required.Where(column => !headers.Contains(column, StringComparer.OrdinalIgnoreCase)).ToList();
            if (missing.Count > 0)
            {
                throw new IngestionException($"{SourceName}: {what} headers lack column(s) {string.Join(", ", missing)}");
            }

            var rows = new List<string?[]>();
            foreach (var row in rowArray.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != headers.Count)
                {
                    throw new IngestionException($"{SourceName}: {what} row {rows.Count + 1} has {(row.ValueKind == JsonValueKind.Array ? row.GetArrayLength() : 0)} cells for {headers.Count} headers");
                }

                rows.Add(row.EnumerateArray().Select(Cell).ToArray());
            }

            return (headers, rows);
        }
    }

    private static string? Cell(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => cell.GetString(),
        _ => cell.GetRawText(),
    };
}
