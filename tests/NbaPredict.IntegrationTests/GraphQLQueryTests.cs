using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests;

/// <summary>One real database per provider, loaded with the first days of 2023-24, queried through HTTP.</summary>
public sealed class SeasonSliceFixture(Provider provider) : IAsyncLifetime
{
    public NbaApp App { get; private set; } = null!;

    private TestDatabase database = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(provider);
        App = new NbaApp(database);
        var input = Path.Combine(database.DataDirectory, "input");
        TestEnvironment.WriteSeasonSlice(input, "2023-24", days: 14);
        var report = await App.ImportAsync(input);
        Assert.False(report.AnyFileRejected);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await database.DisposeAsync();
    }
}

public sealed class SqliteSliceFixture() : IAsyncLifetime
{
    public SeasonSliceFixture Inner { get; } = new(Provider.Sqlite);

    public Task InitializeAsync() => Inner.InitializeAsync();

    public Task DisposeAsync() => Inner.DisposeAsync();
}

public sealed class PostgresSliceFixture() : IAsyncLifetime
{
    public SeasonSliceFixture Inner { get; } = new(Provider.Postgres);

    public Task InitializeAsync() => Inner.InitializeAsync();

    public Task DisposeAsync() => Inner.DisposeAsync();
}

/// <summary>The same GraphQL queries run against SQLite and PostgreSQL and must give the same answers.</summary>
public abstract class GraphQLQueryTests(SeasonSliceFixture fixture)
{
    private NbaApp App => fixture.App;

    [Fact]
    public async Task Players_search_finds_Curry_with_his_team()
    {
        var response = await App.QueryAsync("""{ players(search: "Curry", first: 5) { nodes { nbaId name team { abbreviation } } totalCount } }""");

        var players = NbaApp.Data(response)["players"]!;
        var stephen = players["nodes"]!.AsArray().Single(n => (int)n!["nbaId"]! == 201939)!;
        Assert.Equal("Stephen Curry", (string)stephen["name"]!);
        Assert.Equal("GSW", (string)stephen["team"]!["abbreviation"]!);
        Assert.True((int)players["totalCount"]! >= 2);
    }

    [Fact]
    public async Task Search_ignores_accents_and_case()
    {
        var response = await App.QueryAsync("""{ players(search: "JOKIC") { nodes { name team { abbreviation } } } }""");

        var node = Assert.Single(NbaApp.Data(response)["players"]!["nodes"]!.AsArray());
        Assert.Equal("Nikola Jokić", (string)node!["name"]!);
        Assert.Equal("DEN", (string)node["team"]!["abbreviation"]!);
    }

    [Fact]
    public async Task Games_on_opening_night_have_real_teams_and_scores()
    {
        var response = await App.QueryAsync("""{ games(date: "2023-10-24") { totalCount nodes { nbaGameId date homeTeam { abbreviation } awayTeam { abbreviation } homeScore awayScore } } }""");

        var games = NbaApp.Data(response)["games"]!;
        Assert.Equal(2, (int)games["totalCount"]!);
        var denver = games["nodes"]!.AsArray().Single(g => (string)g!["homeTeam"]!["abbreviation"]! == "DEN")!;
        Assert.Equal("LAL", (string)denver["awayTeam"]!["abbreviation"]!);
        Assert.Equal((119, 107), ((int)denver["homeScore"]!, (int)denver["awayScore"]!));
        Assert.Equal("2023-10-24", (string)denver["date"]!);
    }

    [Fact]
    public async Task Box_score_lists_both_teams_and_sums_to_the_score()
    {
        var response = await App.QueryAsync("""{ games(date: "2023-10-24", team: "DEN") { nodes { homeScore boxScore { pts home player { name } team { abbreviation } } } } }""");

        var game = Assert.Single(NbaApp.Data(response)["games"]!["nodes"]!.AsArray())!;
        var lines = game["boxScore"]!.AsArray();
        Assert.Equal((int)game["homeScore"]!, lines.Where(l => (bool)l!["home"]!).Sum(l => (int)l!["pts"]!));
        Assert.Contains(lines, l => (string)l!["player"]!["name"]! == "Nikola Jokić");
    }

    [Fact]
    public async Task Cursor_pagination_walks_all_players_once()
    {
        var seen = new HashSet<int>();
        string? after = null;
        int total;
        do
        {
            var response = await App.QueryAsync("query($after: String) { players(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { nbaId } } }", new { after });
            var players = NbaApp.Data(response)["players"]!;
            total = (int)players["totalCount"]!;
            foreach (var node in players["nodes"]!.AsArray())
            {
                Assert.True(seen.Add((int)node!["nbaId"]!), "a player appeared on two pages");
            }

            after = (bool)players["pageInfo"]!["hasNextPage"]! ? (string)players["pageInfo"]!["endCursor"]! : null;
        }
        while (after is not null);

        Assert.Equal(total, seen.Count);
        Assert.True(total > 300);
    }

    [Fact]
    public async Task Player_game_log_and_season_averages()
    {
        var response = await App.QueryAsync("""{ player(nbaId: 201939) { name gameLog(last: 3) { date pts opponent { abbreviation } } seasonAverages(season: "2023-24") { season games pts } } }""");

        var player = NbaApp.Data(response)["player"]!;
        var log = player["gameLog"]!.AsArray();
        Assert.Equal(3, log.Count);
        Assert.True(string.CompareOrdinal((string)log[0]!["date"]!, (string)log[1]!["date"]!) > 0, "game log must be newest first");
        var averages = player["seasonAverages"]!;
        Assert.Equal("2023-24", (string)averages["season"]!);
        Assert.True((int)averages["games"]! >= 3);
        Assert.InRange((double)averages["pts"]!, 10, 60);
    }

    [Fact]
    public async Task Fifty_players_with_last_five_games_take_a_constant_number_of_sql_commands()
    {
        const string query = "{ players(first: 50) { nodes { name team { abbreviation } gameLog(last: 5) { pts opponent { abbreviation } game { homeTeam { abbreviation } } } seasonAverages { pts } } } }";
        App.SqlCommands.Reset();

        var response = await App.QueryAsync(query);

        var nodes = NbaApp.Data(response)["players"]!["nodes"]!.AsArray();
        Assert.Equal(50, nodes.Count);
        Assert.All(nodes, n => Assert.InRange(n!["gameLog"]!.AsArray().Count, 1, 5));
        // count + page, teams, game logs, season averages, games: one command each however many players.
        Assert.True(App.SqlCommands.Count <= 7, $"{App.SqlCommands.Count} SQL commands (N+1?):\n{string.Join("\n---\n", App.SqlCommands.Commands)}");
    }

    [Fact]
    public async Task Federation_entities_resolve_players_games_and_teams_by_key()
    {
        const string query = """
            query($representations: [_Any!]!) {
              _entities(representations: $representations) {
                __typename
                ... on Player { nbaId name }
                ... on Game { nbaGameId homeTeam { abbreviation } }
                ... on Team { abbreviation name }
              }
            }
            """;
        var representations = new object[]
        {
            new Dictionary<string, object> { ["__typename"] = "Player", ["nbaId"] = 201939 },
            new Dictionary<string, object> { ["__typename"] = "Game", ["nbaGameId"] = "0022300061" },
            new Dictionary<string, object> { ["__typename"] = "Team", ["abbreviation"] = "BOS" },
        };

        var entities = NbaApp.Data(await App.QueryAsync(query, new { representations }))["_entities"]!.AsArray();

        Assert.Equal("Stephen Curry", (string)entities[0]!["name"]!);
        Assert.Equal("0022300061", (string)entities[1]!["nbaGameId"]!);
        Assert.Equal("Celtics", (string)entities[2]!["name"]!);
    }

    [Fact]
    public async Task Service_sdl_declares_the_contract_keys()
    {
        var sdl = (string)NbaApp.Data(await App.QueryAsync("{ _service { sdl } }"))["_service"]!["sdl"]!;

        Assert.Contains("type Player implements Node @key(fields: \"nbaId\")", sdl, StringComparison.Ordinal);
        Assert.Contains("type Game implements Node @key(fields: \"nbaGameId\")", sdl, StringComparison.Ordinal);
        Assert.Contains("type Team implements Node @key(fields: \"abbreviation\")", sdl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_refetches_by_global_id()
    {
        var player = NbaApp.Data(await App.QueryAsync("{ player(nbaId: 201939) { id } games(date: \"2023-10-24\", first: 1) { nodes { id nbaGameId homeTeam { id abbreviation } } } }"));
        var playerId = (string)player["player"]!["id"]!;
        var game = player["games"]!["nodes"]![0]!;

        var nodes = NbaApp.Data(await App.QueryAsync(
            "query($p: ID!, $g: ID!, $t: ID!) { p: node(id: $p) { __typename ... on Player { name } } g: node(id: $g) { ... on Game { nbaGameId } } t: node(id: $t) { ... on Team { abbreviation } } }",
            new { p = playerId, g = (string)game["id"]!, t = (string)game["homeTeam"]!["id"]! }));

        Assert.Equal("Player", (string)nodes["p"]!["__typename"]!);
        Assert.Equal("Stephen Curry", (string)nodes["p"]!["name"]!);
        Assert.Equal((string)game["nbaGameId"]!, (string)nodes["g"]!["nbaGameId"]!);
        Assert.Equal((string)game["homeTeam"]!["abbreviation"]!, (string)nodes["t"]!["abbreviation"]!);

        var bad = await App.QueryAsync("{ node(id: \"not-an-id\") { id } }");
        Assert.Contains("is not a global id", (string)bad["errors"]![0]!["message"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ players(first: 101) { totalCount } }", "'first' must be between 0 and 100")]
    [InlineData("{ players(first: 100) { nodes { gameLog(last: 82) { game { boxScore { player { gameLog(last: 82) { pts } } } } } } } }", "complexity")]
    [InlineData("{ player(nbaId: 201939) { gameLog(last: 1) { player { gameLog(last: 1) { player { gameLog(last: 1) { player { gameLog(last: 1) { player { gameLog(last: 1) { player { gameLog(last: 1) { player { gameLog(last: 1) { player { gameLog(last: 1) { pts } } } } } } } } } } } } } } } } }", "depth")]
    public async Task Abusive_queries_are_refused_with_a_clear_error(string query, string expected)
    {
        App.SqlCommands.Reset();
        var (status, response) = await App.QueryRawAsync(query);

        var message = (string)response["errors"]![0]!["message"]!;
        Assert.Contains(expected == "complexity" ? "complex" : expected, message, StringComparison.OrdinalIgnoreCase);
        if (expected != "'first' must be between 0 and 100")
        {
            Assert.Equal(400, status);
            Assert.False(response.ContainsKey("data"));
            Assert.Equal(0, App.SqlCommands.Count); // refused in validation, before any resolver ran
        }
    }

    [Fact]
    public async Task The_standard_introspection_query_passes_the_limits()
    {
        const string introspection = """
            query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
              types { ...FullType } directives { name description locations args { ...InputValue } } } }
            fragment FullType on __Type { kind name description
              fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
              inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
              possibleTypes { ...TypeRef } }
            fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
            fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
            """;

        var data = NbaApp.Data(await App.QueryAsync(introspection));

        Assert.Equal("Query", (string)data["__schema"]!["queryType"]!["name"]!);
        Assert.Equal("Subscription", (string)data["__schema"]!["subscriptionType"]!["name"]!);
    }

    [Fact]
    public async Task An_alias_flood_is_refused()
    {
        var aliases = string.Join(" ", Enumerable.Range(0, 300).Select(i => $"a{i}: players(first: 100) {{ nodes {{ name team {{ name }} }} }}"));

        var (status, response) = await App.QueryRawAsync("{ " + aliases + " }");

        Assert.Equal(400, status);
        Assert.Contains("complex", (string)response["errors"]![0]!["message"]!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Unknown_team_and_bad_cursor_are_clear_errors()
    {
        var response = await App.QueryAsync("""{ players(team: "XYZ") { totalCount } games(after: "bm9wZQ") { totalCount } }""");

        var messages = response["errors"]!.AsArray().Select(e => (string)e!["message"]!).ToList();
        Assert.Contains(messages, m => m.Contains("'XYZ' is not an NBA team", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("not a valid cursor", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", response.ToJsonString(), StringComparison.Ordinal);
    }
}

public sealed class SqliteGraphQLQueryTests(SqliteSliceFixture fixture) : GraphQLQueryTests(fixture.Inner), IClassFixture<SqliteSliceFixture>;

public sealed class PostgresGraphQLQueryTests(PostgresSliceFixture fixture) : GraphQLQueryTests(fixture.Inner), IClassFixture<PostgresSliceFixture>;
