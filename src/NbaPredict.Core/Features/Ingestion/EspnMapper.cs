using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Features.Ingestion;

/// <summary>
/// What ESPN lacks: NBA.com ids. Games are found by date and teams among the stored games and players by
/// name (folded like the player search, suffixes and punctuation dropped) and team; ESPN never invents an id.
/// </summary>
public sealed class NbaIdentities
{
    private readonly Dictionary<(string Home, string Away), Game> games;
    private readonly ILookup<string, Player> playersByName;

    private NbaIdentities(Dictionary<(string, string), Game> games, ILookup<string, Player> playersByName)
    {
        this.games = games;
        this.playersByName = playersByName;
    }

    public static async Task<NbaIdentities> LoadAsync(NbaDbContext db, DateOnly date, CancellationToken cancellationToken)
    {
        var games = await db.Games.AsNoTracking().Where(g => g.Date == date).ToListAsync(cancellationToken);
        var players = await db.Players.AsNoTracking().ToListAsync(cancellationToken);
        return new NbaIdentities(
            games.ToDictionary(g => (NbaTeams.CodeOf(g.HomeTeamId), NbaTeams.CodeOf(g.AwayTeamId))),
            players.ToLookup(p => NameKey(p.Name), StringComparer.Ordinal));
    }

    public Game? FindGame(string home, string away) => games.GetValueOrDefault((home, away));

    /// <summary>The one player of that name, preferring one whose current team matches; null when none or ambiguous.</summary>
    public Player? FindPlayer(string name, string team, out string? problem)
    {
        problem = null;
        var candidates = playersByName[NameKey(name)].ToList();
        if (candidates.Count > 1)
        {
            var teamId = NbaTeams.FindByCode(team)?.Id;
            candidates = candidates.Where(p => p.CurrentTeamId == teamId).ToList();
            if (candidates.Count != 1)
            {
                problem = $"ESPN athlete '{name}' ({team}) matches several known NBA players";
                return null;
            }
        }

        if (candidates.Count == 0)
        {
            problem = $"ESPN athlete '{name}' ({team}) matches no known NBA player";
            return null;
        }

        return candidates[0];
    }

    internal static string NameKey(string name)
    {
        var folded = new StringBuilder();
        foreach (var c in SearchText.Normalize(name))
        {
            folded.Append(char.IsLetterOrDigit(c) ? c : c is '-' or ' ' ? ' ' : '\0');
        }

        var words = folded.ToString().Replace("\0", "", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count > 2 && words[^1] is "jr" or "sr" or "ii" or "iii" or "iv")
        {
            words.RemoveAt(words.Count - 1);
        }

        return string.Join(' ', words);
    }
}

/// <summary>Maps ESPN game summaries to the CSV format, with NBA.com ids from <see cref="NbaIdentities"/>.</summary>
public static class EspnMapper
{
    public static BoxScoreRecords Map(string sourceName, DateOnly date, IReadOnlyList<EspnSummary> summaries, NbaIdentities identities)
    {
        var records = new BoxScoreRecords(sourceName);
        var line = 0;
        foreach (var summary in summaries)
        {
            var game = identities.FindGame(summary.HomeTeam, summary.AwayTeam);
            foreach (var player in summary.Players.Where(p => !p.DidNotPlay))
            {
                line++;
                if (game is null)
                {
                    records.Reject(line, $"ESPN event {summary.EventId} ({summary.AwayTeam} at {summary.HomeTeam}) matches no known NBA game on {date:yyyy-MM-dd}");
                    continue;
                }

                if (player.Problem is not null)
                {
                    records.Reject(line, player.Problem);
                    continue;
                }

                var known = identities.FindPlayer(player.Name, player.Team, out var problem);
                if (known is null)
                {
                    records.Reject(line, problem!);
                    continue;
                }

                records.Add(line, Fields(game, known, player, summary));
            }
        }

        return records;
    }

    private static string[] Fields(Game game, Player known, EspnPlayerLine player, EspnSummary summary)
    {
        var s = player.Stats;
        var (fgm, fga) = MadeAttempted(s["FG"]);
        var (fg3m, fg3a) = MadeAttempted(s["3PT"]);
        var (ftm, fta) = MadeAttempted(s["FT"]);
        var home = string.Equals(player.Team, summary.HomeTeam, StringComparison.OrdinalIgnoreCase);
        return
        [
            game.Id, game.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), game.SeasonId, game.SeasonType,
            known.Id.ToString(CultureInfo.InvariantCulture), known.Name, player.Team, home ? summary.AwayTeam : summary.HomeTeam,
            home ? "1" : "0", "",
            BoxScoreRecords.Number(s["MIN"], roundMinutes: true), BoxScoreRecords.Number(s["PTS"]), BoxScoreRecords.Number(s["REB"]),
            BoxScoreRecords.Number(s["OREB"]), BoxScoreRecords.Number(s["DREB"]), BoxScoreRecords.Number(s["AST"]),
            BoxScoreRecords.Number(s["STL"]), BoxScoreRecords.Number(s["BLK"]), BoxScoreRecords.Number(s["TO"]),
            BoxScoreRecords.Number(s["PF"]), fgm, fga, fg3m, fg3a, ftm, fta, BoxScoreRecords.Number(s["+/-"]),
        ];
    }

    /// <summary>"10-16" is 10 made of 16 attempted; anything else goes to the validator as is, which names it.</summary>
    private static (string Made, string Attempted) MadeAttempted(string value)
    {
        var parts = value.Split('-');
        return parts.Length == 2 ? (parts[0].Trim(), parts[1].Trim()) : (value, value);
    }
}
