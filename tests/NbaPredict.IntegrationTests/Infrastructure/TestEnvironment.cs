using System.IO.Compression;
using System.Text;

namespace NbaPredict.IntegrationTests.Infrastructure;

public static class TestEnvironment
{
    public const string PostgresVariable = "NBAPREDICT_TEST_POSTGRES";
    public const string RedisVariable = "NBAPREDICT_TEST_REDIS";

    /// <summary>The throwaway PostgreSQL server started by <c>./build.sh test</c>; a missing one is a failure, not a skip.</summary>
    public static string PostgresServer =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{PostgresVariable} is not set: run the tests with ./build.sh test, which starts PostgreSQL and Redis");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string BundledDataDirectory => Path.Combine(RepositoryRoot, "data", "nba");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NbaPredict.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (NbaPredict.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Writes the first <paramref name="days"/> game days of a bundled season as a plain CSV, so tests work on
    /// real rows without paying for a whole season.
    /// </summary>
    public static string WriteSeasonSlice(string directory, string season, int days, string? fileName = null)
    {
        Directory.CreateDirectory(directory);
        var source = Path.Combine(BundledDataDirectory, $"player_games_{season}.csv.gz");
        var target = Path.Combine(directory, fileName ?? $"player_games_{season}.csv");
        using var input = new StreamReader(new GZipStream(File.OpenRead(source), CompressionMode.Decompress), Encoding.UTF8);
        using var output = new StreamWriter(target, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        output.WriteLine(input.ReadLine());
        var dates = new HashSet<string>(StringComparer.Ordinal);
        while (input.ReadLine() is { } line)
        {
            var date = line.Split(',', 3)[1];
            if (dates.Add(date) && dates.Count > days)
            {
                break;
            }

            output.WriteLine(line);
        }

        return target;
    }
}
