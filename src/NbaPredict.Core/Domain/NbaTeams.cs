namespace NbaPredict.Core.Domain;

/// <summary>The 30 NBA franchises with NBA.com team ids and tricodes (the same 30 codes in every bundled season).</summary>
public static class NbaTeams
{
    public static IReadOnlyList<Team> All { get; } =
    [
        T(1610612737, "ATL", "Hawks", "Atlanta", "East"),
        T(1610612738, "BOS", "Celtics", "Boston", "East"),
        T(1610612739, "CLE", "Cavaliers", "Cleveland", "East"),
        T(1610612740, "NOP", "Pelicans", "New Orleans", "West"),
        T(1610612741, "CHI", "Bulls", "Chicago", "East"),
        T(1610612742, "DAL", "Mavericks", "Dallas", "West"),
        T(1610612743, "DEN", "Nuggets", "Denver", "West"),
        T(1610612744, "GSW", "Warriors", "Golden State", "West"),
        T(1610612745, "HOU", "Rockets", "Houston", "West"),
        T(1610612746, "LAC", "Clippers", "LA", "West"),
        T(1610612747, "LAL", "Lakers", "Los Angeles", "West"),
        T(1610612748, "MIA", "Heat", "Miami", "East"),
        T(1610612749, "MIL", "Bucks", "Milwaukee", "East"),
        T(1610612750, "MIN", "Timberwolves", "Minnesota", "West"),
        T(1610612751, "BKN", "Nets", "Brooklyn", "East"),
        T(1610612752, "NYK", "Knicks", "New York", "East"),
        T(1610612753, "ORL", "Magic", "Orlando", "East"),
        T(1610612754, "IND", "Pacers", "Indiana", "East"),
        T(1610612755, "PHI", "76ers", "Philadelphia", "East"),
        T(1610612756, "PHX", "Suns", "Phoenix", "West"),
        T(1610612757, "POR", "Trail Blazers", "Portland", "West"),
        T(1610612758, "SAC", "Kings", "Sacramento", "West"),
        T(1610612759, "SAS", "Spurs", "San Antonio", "West"),
        T(1610612760, "OKC", "Thunder", "Oklahoma City", "West"),
        T(1610612761, "TOR", "Raptors", "Toronto", "East"),
        T(1610612762, "UTA", "Jazz", "Utah", "West"),
        T(1610612763, "MEM", "Grizzlies", "Memphis", "West"),
        T(1610612764, "WAS", "Wizards", "Washington", "East"),
        T(1610612765, "DET", "Pistons", "Detroit", "East"),
        T(1610612766, "CHA", "Hornets", "Charlotte", "East"),
    ];

    private static readonly Dictionary<string, Team> ByCode =
        All.ToDictionary(t => t.Abbreviation, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<int, Team> ById = All.ToDictionary(t => t.Id);

    public static bool TryGetByCode(string code, out Team team) => ByCode.TryGetValue(code, out team!);

    public static Team? FindByCode(string code) => ByCode.GetValueOrDefault(code);

    public static Team? FindById(int id) => ById.GetValueOrDefault(id);

    /// <summary>The tricode of a stored team id; an unknown id means corrupt data, so it throws.</summary>
    public static string CodeOf(int id) => FindById(id)?.Abbreviation
        ?? throw new InvalidOperationException($"unknown team id {id} in stored data");

    private static Team T(int id, string code, string name, string city, string conference) =>
        new() { Id = id, Abbreviation = code, Name = name, City = city, Conference = conference };
}
