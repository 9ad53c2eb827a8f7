using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Data;
using NbaPredict.Core.Features.Ingestion;
using NbaPredict.Core.Features.Jobs;
using Npgsql;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace NbaPredict.Workers.Tests.Ingestion;

/// <summary>
/// A WireMock stub of both APIs serving the fixtures of 2023-10-24 (opening night: LAL at DEN, PHX at GSW, real
/// box scores from data/nba), the ingestion services pointed at it with tiny delays, and a fresh database.
/// </summary>
public sealed class IngestionHarness : IAsyncDisposable
{
    public const string NbaStatsPath = "/stats/leaguegamelog";
    public const string NbaStatsScoreboardPath = "/stats/scoreboardv2";
    public const string EspnPath = "/apis/site/v2/sports/basketball/nba/";
    public static readonly DateOnly Day = new(2023, 10, 24);

    private readonly string? postgresDatabase;
    private readonly ServiceProvider services;

    private IngestionHarness(WireMockServer server, string dataDirectory, string? postgresDatabase, ServiceProvider services, IConfiguration configuration)
    {
        Server = server;
        DataDirectory = dataDirectory;
        this.postgresDatabase = postgresDatabase;
        this.services = services;
        Configuration = configuration;
    }

    public WireMockServer Server { get; }

    public string DataDirectory { get; }

    public IConfiguration Configuration { get; }

    public IServiceProvider Services => services;

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Ingestion", "Fixtures", name));

    public static async Task<IngestionHarness> StartAsync(string provider = "sqlite", IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var server = WireMockServer.Start();
        var dataDirectory = Directory.CreateTempSubdirectory("nbapredict-ingest-").FullName;
        string? postgres = null, database = null;
        if (provider == "postgres")
        {
            var admin = Environment.GetEnvironmentVariable("NBAPREDICT_TEST_POSTGRES") is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException("NBAPREDICT_TEST_POSTGRES is not set: run the tests with ./build.sh test");
            database = "nbaingest_" + Guid.NewGuid().ToString("N")[..16];
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
                await create.ExecuteNonQueryAsync();
            }

            postgres = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
        }

        var values = new Dictionary<string, string?>
        {
            ["NBAPREDICT_DATA_DIR"] = dataDirectory,
            ["ConnectionStrings:Postgres"] = postgres,
        };
        foreach (var (source, path) in new[] { ("NbaStats", "/stats/"), ("Espn", EspnPath) })
        {
            var prefix = $"Ingestion:{source}:";
            values[prefix + "BaseUrl"] = server.Url + path;
            values[prefix + "RequestsPerSecond"] = "1000";
            values[prefix + "MaxRetries"] = "3";
            values[prefix + "RetryBaseDelay"] = "00:00:00.010";
            values[prefix + "AttemptTimeout"] = "00:00:20";
            values[prefix + "TotalTimeout"] = "00:01:00";
            values[prefix + "CircuitMinimumThroughput"] = "100";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging();
        if (time is not null)
        {
            collection.AddSingleton(time);
        }

        collection.AddNbaIngestion();
        collection.AddNbaJobServices();
        var provider_ = collection.BuildServiceProvider();
        await using (var scope = provider_.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        }

        var harness = new IngestionHarness(server, dataDirectory, database, provider_, configuration);
        harness.ServeFixtures();
        return harness;
    }

    /// <summary>The fixtures at low priority, so a test's own mappings (faults) win.</summary>
    public void ServeFixtures()
    {
        foreach (var kind in new[] { "P", "T" })
        {
            Server.Given(Request.Create().WithPath(NbaStatsPath).WithParam("PlayerOrTeam", kind).UsingGet()).AtPriority(100)
                .RespondWith(Json(Fixture($"nba-stats-leaguegamelog-{kind}-2023-10-24.json")));
        }

        foreach (var day in new[] { "2023-10-24", "2023-10-25" })
        {
            Server.Given(Request.Create().WithPath(NbaStatsScoreboardPath).WithParam("GameDate", day).UsingGet()).AtPriority(100)
                .RespondWith(Json(Fixture($"nba-stats-scoreboardv2-{day}.json")));
        }

        Server.Given(Request.Create().WithPath(EspnPath + "scoreboard").WithParam("dates", "20231024").UsingGet()).AtPriority(100)
            .RespondWith(Json(Fixture("espn-scoreboard-20231024.json")));
        foreach (var id in new[] { "401585601", "401585602" })
        {
            Server.Given(Request.Create().WithPath(EspnPath + "summary").WithParam("event", id).UsingGet()).AtPriority(100)
                .RespondWith(Json(Fixture($"espn-summary-{id}.json")));
        }
    }

    public static IResponseBuilder Json(string body, int status = 200) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(body);

    /// <summary>Answers the matching requests with <paramref name="responses"/> in turn; the last one repeats.</summary>
    public void Sequence(IRequestBuilder request, params IResponseBuilder[] responses)
    {
        if (responses.Length == 1)
        {
            Server.Given(request).AtPriority(1).RespondWith(responses[0]);
            return;
        }

        var scenario = Guid.NewGuid().ToString("N");
        for (var i = 0; i < responses.Length; i++)
        {
            var mapping = Server.Given(request).AtPriority(1).InScenario(scenario);
            if (i > 0)
            {
                mapping = mapping.WhenStateIs($"step{i}");
            }

            if (i < responses.Length - 1)
            {
                mapping = mapping.WillSetStateTo($"step{i + 1}");
            }

            mapping.RespondWith(responses[i]);
        }
    }

    public int Requests(string pathSuffix, string? playerOrTeam = null) => Server.LogEntries.Count(e =>
        e.RequestMessage.Path.EndsWith(pathSuffix, StringComparison.Ordinal) &&
        (playerOrTeam is null || (e.RequestMessage.Query?.TryGetValue("PlayerOrTeam", out var kind) == true && kind.Contains(playerOrTeam))));

    public async Task<IngestionResult> IngestAsync(IngestionSource source = IngestionSource.NbaStats, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IngestionService>().IngestDayAsync(Day, source, cancellationToken);
    }

    public async Task<(int PlayerGames, int Games, int Players)> CountsAsync()
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NbaDbContext>();
        return (await db.PlayerGames.CountAsync(), await db.Games.CountAsync(), await db.Players.CountAsync());
    }

    public async Task<T> QueryAsync<T>(Func<NbaDbContext, Task<T>> query)
    {
        await using var scope = services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<NbaDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        Server.Stop();
        Server.Dispose();
        await services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("NBAPREDICT_TEST_POSTGRES"));
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a pooled connection; the OS temp cleaner takes it later.
        }
    }
}
