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
using NbaPredict.Core.Import;

namespace NbaPredict.IntegrationTests.Infrastructure;

/// <summary>The real API (Program) on a real database, with the SQL it sends counted.</summary>
public sealed class NbaApp(TestDatabase database, IReadOnlyDictionary<string, string?>? extraConfiguration = null) : WebApplicationFactory<Program>
{
    public SqlCommandCounter SqlCommands { get; } = new();

    public TestDatabase Database { get; } = database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var configuration = Database.Configuration.Concat(extraConfiguration ?? new Dictionary<string, string?>()).ToList();
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
