using Npgsql;

namespace NbaPredict.IntegrationTests.Infrastructure;

public enum Provider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A fresh, empty database for one test class: a new SQLite file in a temp folder, or a new database on the
/// throwaway PostgreSQL server. Dropped again on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? postgresDatabase;

    private TestDatabase(Provider provider, string dataDirectory, string? postgresConnectionString, string? postgresDatabase)
    {
        Provider = provider;
        DataDirectory = dataDirectory;
        PostgresConnectionString = postgresConnectionString;
        this.postgresDatabase = postgresDatabase;
    }

    public Provider Provider { get; }

    public string DataDirectory { get; }

    public string? PostgresConnectionString { get; }

    /// <summary>Configuration in the contract's names, for the API host and the command line alike.</summary>
    public IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["NBAPREDICT_DATA_DIR"] = DataDirectory,
        ["ConnectionStrings:Postgres"] = PostgresConnectionString,
        ["NBAPREDICT_IMPORT_ON_START"] = "false",
        ["NBAPREDICT_TRAIN_ON_START"] = "false",
        ["Jobs:Enabled"] = "false",
    };

    public static async Task<TestDatabase> CreateAsync(Provider provider)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("nbapredict-test-").FullName;
        if (provider == Provider.Sqlite)
        {
            return new TestDatabase(provider, dataDirectory, null, null);
        }

        var name = "nbatest_" + Guid.NewGuid().ToString("N")[..16];
        var server = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresServer);
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        server.Database = name;
        return new TestDatabase(provider, dataDirectory, server.ConnectionString, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(TestEnvironment.PostgresServer);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled SQLite connection; the OS temp cleaner takes it later.
        }
    }
}
