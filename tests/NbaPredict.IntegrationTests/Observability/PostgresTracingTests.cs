using System.Net.Http.Json;
using NbaPredict.Core.Telemetry;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests.Observability;

/// <summary>On PostgreSQL every command is one Npgsql span under the GraphQL operation, not an EF Core span beside it.</summary>
public sealed class PostgresTracingTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private NbaApp app = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Provider.Postgres);
        app = new NbaApp(database);
        var input = Path.Combine(database.DataDirectory, "input");
        TestEnvironment.WriteSeasonSlice(input, "2023-24", days: 2);
        Assert.False((await app.ImportAsync(input)).AnyFileRejected);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Database_commands_are_Npgsql_spans_under_the_operation()
    {
        var finished = await SpanCapture.CaptureAsync(app, async client =>
        {
            using var response = await client.PostAsJsonAsync("/graphql", new { query = "query PgTraced { games(date: \"2023-10-24\") { nodes { homeTeam { abbreviation } boxScore { pts } } } }" });
            response.EnsureSuccessStatusCode();
        });

        var operation = Assert.Single(finished, a => a.Source.Name == NbaTelemetry.GraphQLSourceName && a.DisplayName == "query PgTraced");
        var trace = finished.Where(a => a.TraceId == operation.TraceId).ToList();
        var npgsql = trace.Where(a => a.Source.Name == "Npgsql").ToList();
        Assert.True(npgsql.Count >= 2, string.Join(", ", trace.Select(a => $"{a.Source.Name}:{a.DisplayName}")));
        Assert.DoesNotContain(trace, a => a.Source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal));
        Assert.Contains(npgsql, a => a.ParentSpanId == operation.SpanId);
    }
}
