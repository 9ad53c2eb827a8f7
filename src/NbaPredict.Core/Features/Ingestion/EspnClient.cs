using System.Text.Json;

namespace NbaPredict.Core.Features.Ingestion;

/// <summary>One game on an ESPN scoreboard, teams already translated to NBA.com tricodes.</summary>
public sealed record EspnEvent(string Id, string HomeTeam, string AwayTeam, bool Completed);

public sealed record EspnScoreboard(DateOnly Date, IReadOnlyList<EspnEvent> Events);

/// <summary>One athlete's line in a game summary; <see cref="Stats"/> is keyed by ESPN's label (MIN, FG, 3PT, …).</summary>
public sealed record EspnPlayerLine(string AthleteId, string Name, string Team, bool DidNotPlay, IReadOnlyDictionary<string, string> Stats, string? Problem);

public sealed record EspnSummary(string EventId, string HomeTeam, string AwayTeam, bool Completed, IReadOnlyList<EspnPlayerLine> Players);

/// <summary>One athlete on ESPN's current injury list: his team (an NBA.com tricode), name and status ("Out", "Day-To-Day", …).</summary>
public sealed record EspnInjury(string Team, string Name, string Status)
{
    /// <summary>Ruled out: "Out", "Out For Season" or "Suspended". "Day-To-Day" and the like may still play.</summary>
    public bool RuledOut => Status.StartsWith("Out", StringComparison.OrdinalIgnoreCase) || Status.Equals("Suspended", StringComparison.OrdinalIgnoreCase);
}

/// <summary>ESPN's injury list as of the request, with the team entries it could not place.</summary>
public sealed record EspnInjuries(IReadOnlyList<EspnInjury> Injuries, IReadOnlyList<string> Problems);

/// <summary>ESPN's public site API for the NBA: the day's scoreboard and each game's summary with box scores.</summary>
public interface IEspnClient
{
    Task<EspnScoreboard> GetScoreboardAsync(DateOnly date, CancellationToken cancellationToken = default);

    Task<EspnSummary> GetSummaryAsync(string eventId, CancellationToken cancellationToken = default);

    /// <summary>The league's current injury list (it changes through the day, so it is never cached).</summary>
    Task<EspnInjuries> GetInjuriesAsync(CancellationToken cancellationToken = default);
}

public sealed class EspnClient(HttpClient http, RawResponseCache cache, TimeProvider time) : IEspnClient
{
    public const string SourceName = "espn";

    /// <summary>The box-score labels the mapping needs, in ESPN's order.</summary>
    public static readonly string[] StatLabels = ["MIN", "FG", "3PT", "FT", "OREB", "DREB", "REB", "AST", "STL", "BLK", "TO", "PF", "+/-", "PTS"];

    // ESPN's short codes where they differ from NBA.com's tricodes.
    private static readonly Dictionary<string, string> TeamCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GS"] = "GSW", ["NY"] = "NYK", ["SA"] = "SAS", ["NO"] = "NOP", ["UTAH"] = "UTA", ["WSH"] = "WAS", ["PHO"] = "PHX", ["BRK"] = "BKN",
    };

    public static string NbaCode(string espnCode) => TeamCodes.GetValueOrDefault(espnCode, espnCode.ToUpperInvariant());

    public Task<EspnScoreboard> GetScoreboardAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var what = $"scoreboard {date:yyyy-MM-dd}";
        return ApiFetcher.GetAsync(http, cache, SourceName, $"scoreboard-{date:yyyy-MM-dd}", $"scoreboard?dates={date:yyyyMMdd}", what,
            body => ParseScoreboard(body, date, what),
            board => NbaStatsClient.DayIsOver(date, time) && board.Events.All(e => e.Completed),
            cancellationToken);
    }

    public Task<EspnSummary> GetSummaryAsync(string eventId, CancellationToken cancellationToken = default)
    {
        if (eventId.Length == 0 || !eventId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"ESPN event id '{eventId}' is not numeric", nameof(eventId));
        }

        var what = $"summary {eventId}";
        return ApiFetcher.GetAsync(http, cache, SourceName, $"summary-{eventId}", $"summary?event={eventId}", what,
            body => ParseSummary(body, eventId, what),
            summary => summary.Completed,
            cancellationToken);
    }

    public Task<EspnInjuries> GetInjuriesAsync(CancellationToken cancellationToken = default) =>
        ApiFetcher.GetAsync(http, cache, SourceName, "injuries", "injuries", "injuries", body => ParseInjuries(body, "injuries"), _ => false, cancellationToken);

    /// <summary>
    /// <c>{"injuries": [{"displayName": "Golden State Warriors", "injuries": [{"status": "Out", "athlete": {"displayName": …}}]}]}</c>:
    /// one entry per team with its injured athletes. A team is placed by its abbreviation when the entry or an athlete
    /// carries one, else by its display name ("LA Clippers" and "Los Angeles Clippers" both end in the nickname).
    /// </summary>
    public static EspnInjuries ParseInjuries(string body, string what)
    {
        using var document = Open(body, what);
        var injuries = new List<EspnInjury>();
        var problems = new List<string>();
        foreach (var entry in Array(document.RootElement, "injuries", what))
        {
            var listed = entry.TryGetProperty("injuries", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [];
            var name = Text(entry, "displayName") ?? "";
            var code = Text(entry, "abbreviation")
                ?? listed.Select(i => i.TryGetProperty("athlete", out var a) && a.ValueKind == JsonValueKind.Object && a.TryGetProperty("team", out var t) ? Text(t, "abbreviation") : null)
                    .FirstOrDefault(c => c is not null);
            var team = code is not null ? Domain.NbaTeams.FindByCode(NbaCode(code)) : Domain.NbaTeams.All.FirstOrDefault(t => name.Length > 0 && name.EndsWith(" " + t.Name, StringComparison.OrdinalIgnoreCase));
            if (team is null)
            {
                problems.Add($"{SourceName}: {what} team '{name}{(code is null ? "" : $"' ({code})")}' is not an NBA team; its {listed.Count} athlete(s) skipped");
                continue;
            }

            foreach (var injury in listed)
            {
                var athlete = injury.TryGetProperty("athlete", out var a) ? a : default;
                var athleteName = athlete.ValueKind == JsonValueKind.Object ? Text(athlete, "displayName") : null;
                var status = Text(injury, "status");
                if (athleteName is null || status is null)
                {
                    problems.Add($"{SourceName}: {what} has an entry of {team.Abbreviation} without an athlete name or status; skipped");
                    continue;
                }

                injuries.Add(new EspnInjury(team.Abbreviation, athleteName, status));
            }
        }

        return new EspnInjuries(injuries, problems);
    }

    public static EspnScoreboard ParseScoreboard(string body, DateOnly date, string what)
    {
        using var document = Open(body, what);
        var events = new List<EspnEvent>();
        foreach (var item in Array(document.RootElement, "events", what))
        {
            var id = Text(item, "id") ?? throw Missing(what, "an event id");
            var competition = Array(item, "competitions", what).FirstOrDefault();
            if (competition.ValueKind != JsonValueKind.Object)
            {
                throw Missing(what, $"event {id}'s competition");
            }

            var (home, away) = Teams(competition, $"{what} event {id}");
            events.Add(new EspnEvent(id, home, away, Completed(competition) ?? Completed(item) ?? false));
        }

        return new EspnScoreboard(date, events);
    }

    public static EspnSummary ParseSummary(string body, string eventId, string what)
    {
        using var document = Open(body, what);
        var root = document.RootElement;
        if (!root.TryGetProperty("header", out var header) || header.ValueKind != JsonValueKind.Object)
        {
            throw Missing(what, "header");
        }

        var competition = Array(header, "competitions", what).FirstOrDefault();
        if (competition.ValueKind != JsonValueKind.Object)
        {
            throw Missing(what, "header.competitions");
        }

        var (home, away) = Teams(competition, what);
        if (!root.TryGetProperty("boxscore", out var boxscore) || boxscore.ValueKind != JsonValueKind.Object)
        {
            throw Missing(what, "boxscore");
        }

        var lines = new List<EspnPlayerLine>();
        foreach (var team in Array(boxscore, "players", what))
        {
            var code = team.TryGetProperty("team", out var teamElement) ? Text(teamElement, "abbreviation") : null;
            if (code is null)
            {
                throw Missing(what, "boxscore.players[].team.abbreviation");
            }

            var statistics = Array(team, "statistics", what).FirstOrDefault();
            if (statistics.ValueKind != JsonValueKind.Object)
            {
                throw Missing(what, $"statistics for {code}");
            }

            var labels = Array(statistics, "labels", what).Select(l => l.GetString() ?? "").ToList();
            var missing = StatLabels.Where(l => !labels.Contains(l, StringComparer.Ordinal)).ToList();
            if (missing.Count > 0)
            {
                throw new IngestionException($"{SourceName}: {what} statistics for {code} lack label(s) {string.Join(", ", missing)}");
            }

            foreach (var athlete in Array(statistics, "athletes", what))
            {
                lines.Add(Line(athlete, NbaCode(code), labels));
            }
        }

        return new EspnSummary(eventId, home, away, Completed(competition) ?? false, lines);
    }

    private static EspnPlayerLine Line(JsonElement athlete, string team, List<string> labels)
    {
        var person = athlete.TryGetProperty("athlete", out var a) ? a : default;
        var id = person.ValueKind == JsonValueKind.Object ? Text(person, "id") ?? "" : "";
        var name = person.ValueKind == JsonValueKind.Object ? Text(person, "displayName") ?? "" : "";
        var didNotPlay = athlete.TryGetProperty("didNotPlay", out var dnp) && dnp.ValueKind == JsonValueKind.True;
        var values = athlete.TryGetProperty("stats", out var s) && s.ValueKind == JsonValueKind.Array
            ? s.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText()).ToList()
            : [];
        if (didNotPlay || values.Count == 0)
        {
            return new EspnPlayerLine(id, name, team, true, new Dictionary<string, string>(), null);
        }

        if (values.Count != labels.Count)
        {
            return new EspnPlayerLine(id, name, team, false, new Dictionary<string, string>(), $"ESPN stats for '{name}' have {values.Count} values for {labels.Count} labels");
        }

        var stats = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            stats.TryAdd(labels[i], values[i]);
        }

        return new EspnPlayerLine(id, name, team, false, stats, null);
    }

    private static (string Home, string Away) Teams(JsonElement competition, string what)
    {
        string? home = null, away = null;
        foreach (var competitor in Array(competition, "competitors", what))
        {
            var code = competitor.TryGetProperty("team", out var team) ? Text(team, "abbreviation") : null;
            switch (Text(competitor, "homeAway"))
            {
                case "home": home = code; break;
                case "away": away = code; break;
            }
        }

        return home is null || away is null ? throw Missing(what, "a home and an away competitor") : (NbaCode(home), NbaCode(away));
    }

    private static bool? Completed(JsonElement element) =>
        element.TryGetProperty("status", out var status) && status.TryGetProperty("type", out var type) &&
        type.TryGetProperty("completed", out var completed) && completed.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? completed.GetBoolean()
            : null;

    private static JsonDocument Open(string body, string what)
    {
        try
        {
            var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new IngestionException($"{SourceName}: {what} is not a JSON object");
            }

            return document;
        }
        catch (JsonException ex)
        {
            throw new IngestionException($"{SourceName}: {what} is not valid JSON ({ex.Message})", ex);
        }
    }

    private static List<JsonElement> Array(JsonElement parent, string property, string what) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().ToList()
            : throw Missing(what, property);

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static IngestionException Missing(string what, string part) => new($"{SourceName}: {what} lacks {part}");
}
