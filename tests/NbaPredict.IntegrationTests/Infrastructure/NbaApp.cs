using NbaPredict.Ml.Modeling;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Features.Models;
using NbaPredict.Core.Features.Security;
using NbaPredict.Core.Import;
using NbaPredict.Graph.Security;

namespace NbaPredict.IntegrationTests.Infrastructure;

/// <summary>The real API (Program) on a real database, with the SQL it sends counted.</summary>
public sealed class NbaApp(TestDatabase database, IReadOnlyDictionary<string, string?>? extraConfiguration = null) : WebApplicationFactory<Program>
{
    /// <summary>Settings every test host shares.</summary>
    private static readonly Dictionary<string, string?> TestHostConfiguration = new()
    {
        // So tests never wait on the rate limit of the default credential.
        ["Security:RateLimits:Enterprise:PerMinute"] = "10000000",
        ["Security:RateLimits:Enterprise:Burst"] = "1000000",

        // Per-request and per-command information lines made the test output megabytes long; warnings still show.
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
    };

    private readonly Lock apiKeyGate = new();
    private string? apiKey;

    public SqlCommandCounter SqlCommands { get; } = new();

    /// <summary>
    /// An enterprise API key with every scope, created when the first client is made. <see cref="CreateClient()"/>
    /// sends it on every request and <see cref="GraphQLWebSocket.ConnectAsync"/> in <c>connection_init</c>;
    /// use <see cref="CreateAnonymousClient"/> and <see cref="GraphQLWebSocket.ConnectAnonymousAsync"/> to go without.
    /// </summary>
    public string DefaultApiKey
    {
        get
        {
            if (apiKey is null)
            {
                _ = Services; // the host is started and the database migrated (TestServer or Kestrel alike)
                lock (apiKeyGate)
                {
                    apiKey ??= CreateApiKeyAsync("integration tests", ApiTier.Enterprise, Scopes.All).GetAwaiter().GetResult();
                }
            }

            return apiKey;
        }
    }

    /// <summary>Creates an API key straight through the service, as <c>nbapredict keys create</c> does.</summary>
    public async Task<string> CreateApiKeyAsync(string name, ApiTier tier, IEnumerable<string> scopes)
    {
        await using var scope = Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(name, tier, scopes, Scopes.All);
        return created.Secret;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add("X-Api-Key", DefaultApiKey);
    }

    /// <summary>A client without the default credential, for requests that test what anonymous callers get.</summary>
    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        return client;
    }

    public TestDatabase Database { get; } = database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // Extra configuration wins over the database's, e.g. a second instance's own NBAPREDICT_DATA_DIR.
        var configuration = new Dictionary<string, string?>(Database.Configuration);
        foreach (var (key, value) in TestHostConfiguration.Concat(extraConfiguration ?? new Dictionary<string, string?>()))
        {
            configuration[key] = value;
        }

        foreach (var (key, value) in configuration)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(configuration));
        builder.ConfigureServices(services => services.AddSingleton<IInterceptor>(SqlCommands));
    }

    /// <summary>Serves the app on a real Kestrel socket on a free loopback port (for browsers) and returns its address.</summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal)));
    }

    public async Task<ImportReport> ImportAsync(string directory)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BoxScoreImporter>().ImportDirectoryAsync(directory, skipUnchangedFiles: false);
    }

    /// <summary>
    /// Imports the first <paramref name="days"/> game days of 2022-23 and of 2023-24: the smallest real data a
    /// model can be trained (one season) and calibrated (the next) on.
    /// </summary>
    public async Task ImportTwoSeasonSlicesAsync(int days)
    {
        var input = Path.Combine(Database.DataDirectory, "input");
        TestEnvironment.WriteSeasonSlice(input, "2022-23", days);
        TestEnvironment.WriteSeasonSlice(input, "2023-24", days);
        Assert.False((await ImportAsync(input)).AnyFileRejected);
    }

    /// <summary>Trains the tiny test model on what is imported and makes it the production model.</summary>
    public async Task TrainTinyProductionModelAsync(TrainingOptions? options = null)
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ModelTrainingService>().TrainAsync(new TrainingRequest(Promote: true, Options: options ?? TestTraining.Tiny));
    }

    /// <summary>Schedules a game with no box score yet (as the schedule writer would), for injury reports and slates of rosters.</summary>
    public async Task AddUpcomingGameAsync(string gameId, DateOnly date, string homeTeam, string awayTeam)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NbaPredict.Core.Data.NbaDbContext>();
        db.Games.Add(new NbaPredict.Core.Domain.Game
        {
            Id = gameId,
            Date = date,
            SeasonId = "2023-24",
            SeasonType = "Regular Season",
            HomeTeamId = NbaPredict.Core.Domain.NbaTeams.FindByCode(homeTeam)!.Id,
            AwayTeamId = NbaPredict.Core.Domain.NbaTeams.FindByCode(awayTeam)!.Id,
        });
        await db.SaveChangesAsync();
    }

    /// <summary>Posts a GraphQL query and returns the parsed response body.</summary>
    public async Task<JsonObject> QueryAsync(string query, object? variables = null)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/graphql", new { query, variables });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Posts a GraphQL query and returns the status code and body, for requests that are meant to fail.</summary>
    public async Task<(int Status, JsonObject Body)> QueryRawAsync(string query, object? variables = null)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/graphql", new { query, variables });
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    public static JsonNode Data(JsonObject response)
    {
        Assert.False(response.ContainsKey("errors"), "unexpected errors: " + response.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return response["data"]!;
    }
}
