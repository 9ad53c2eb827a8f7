using NbaPredict.Ml.Data;

namespace NbaPredict.Ml.Tests;

internal static class TestData
{
    private static readonly Lazy<string> Dir = new(() =>
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "NbaPredict.sln")))
        {
            d = d.Parent;
        }

        return d is null
            ? throw new DirectoryNotFoundException("Repository root (NbaPredict.sln) not found.")
            : Path.Combine(d.FullName, "data", "nba");
    });

    private static readonly Dictionary<string, List<PlayerGameRecord>> Cache = [];
    private static readonly Lock Gate = new();

    public static string DataDir => Dir.Value;

    public static List<PlayerGameRecord> Season(string season)
    {
        lock (Gate)
        {
            if (!Cache.TryGetValue(season, out var list))
            {
                list = NbaCsvReader.ReadFile(Path.Combine(DataDir, $"player_games_{season}.csv.gz"));
                Cache[season] = list;
            }

            return list;
        }
    }

    /// <summary>Records of a season whose date is before <paramref name="until"/>.</summary>
    public static List<PlayerGameRecord> SeasonUntil(string season, DateOnly until) =>
        [.. Season(season).Where(r => r.Date < until)];
}
