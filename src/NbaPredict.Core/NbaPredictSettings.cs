using Microsoft.Extensions.Configuration;

namespace NbaPredict.Core;

/// <summary>The configuration every deployable reads, with the contract's variable names and defaults.</summary>
public sealed record NbaPredictSettings(string DataDirectory, string? PostgresConnectionString, string? RedisConnectionString)
{
    public const string DataDirVariable = "NBAPREDICT_DATA_DIR";

    public string SqlitePath => Path.Combine(DataDirectory, "nbapredict.db");

    public static NbaPredictSettings From(IConfiguration configuration)
    {
        var dataDir = configuration[DataDirVariable];
        if (string.IsNullOrWhiteSpace(dataDir))
        {
            dataDir = Path.Combine(Directory.GetCurrentDirectory(), ".nbapredict");
        }

        return new NbaPredictSettings(
            Path.GetFullPath(dataDir),
            NullIfBlank(configuration.GetConnectionString("Postgres")),
            NullIfBlank(configuration.GetConnectionString("Redis")));
    }

    /// <summary>
    /// Where the bundled <c>data/nba/*.csv.gz</c> live: <c>NBAPREDICT_BUNDLED_DATA</c> when set, otherwise the
    /// first <c>data/nba</c> folder found walking up from the working directory or the binaries.
    /// </summary>
    public static string? FindBundledDataDirectory(IConfiguration configuration)
    {
        var configured = configuration["NBAPREDICT_BUNDLED_DATA"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "data", "nba");
                if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.csv*").Any())
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
