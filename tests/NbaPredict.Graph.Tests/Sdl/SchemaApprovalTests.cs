using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Data;
using NbaPredict.Graph.GraphQL.Schema;

namespace NbaPredict.Graph.Tests.Sdl;

/// <summary>
/// The printed schema is checked in at schema/nbapredict.graphql, so every schema change is a reviewed diff.
/// To accept a change: run the tests with NBAPREDICT_APPROVE_SCHEMA=1 and commit the file.
/// </summary>
public sealed class SchemaApprovalTests
{
    private static ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddNbaStorage();
        services.AddNbaGraphQL();
        return services.BuildServiceProvider();
    }

    private static ISchema BuildSchema()
    {
        var schema = BuildServices().GetRequiredService<ISchema>();
        schema.Initialize();
        return schema;
    }

    /// <summary>The subgraph SDL exactly as a federation gateway receives it from <c>_service { sdl }</c>.</summary>
    private static string PrintSchema()
    {
        using var services = BuildServices();
        var result = services.GetRequiredService<IDocumentExecuter>().ExecuteAsync(new ExecutionOptions
        {
            Schema = services.GetRequiredService<ISchema>(),
            Query = "{ _service { sdl } }",
            RequestServices = services,
        }).GetAwaiter().GetResult();
        Assert.Null(result.Errors);
        var json = services.GetRequiredService<IGraphQLTextSerializer>().Serialize(result);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var sdl = document.RootElement.GetProperty("data").GetProperty("_service").GetProperty("sdl").GetString()!;
        return sdl.ReplaceLineEndings("\n").TrimEnd() + "\n";
    }

    private static string SchemaFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NbaPredict.sln")))
            {
                return Path.Combine(dir.FullName, "schema", "nbapredict.graphql");
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void Printed_schema_matches_the_checked_in_file()
    {
        var printed = PrintSchema();
        var path = SchemaFile();
        if (Environment.GetEnvironmentVariable("NBAPREDICT_APPROVE_SCHEMA") == "1")
        {
            File.WriteAllText(path, printed);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run with NBAPREDICT_APPROVE_SCHEMA=1 to create it");
        var approved = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(approved == printed, "The schema changed. Review the diff, then run with NBAPREDICT_APPROVE_SCHEMA=1 and commit schema/nbapredict.graphql.\n" + printed);
    }

    [Theory]
    [InlineData("Query", "players", "search: String, team: String, first: Int, after: String", "PlayerConnection!")]
    [InlineData("Query", "player", "nbaId: Int!", "Player")]
    [InlineData("Query", "games", "date: Date, season: String, team: String, first: Int, after: String", "GameConnection!")]
    [InlineData("Player", "nbaId", "", "Int!")]
    [InlineData("Player", "team", "", "Team")]
    [InlineData("Game", "nbaGameId", "", "String!")]
    [InlineData("Game", "date", "", "Date!")]
    [InlineData("Game", "homeTeam", "", "Team!")]
    [InlineData("Team", "abbreviation", "", "String!")]
    [InlineData("PlayerConnection", "totalCount", "", "Int!")]
    [InlineData("PlayerConnection", "nodes", "", "[Player!]!")]
    public void Contract_fields_exist_with_their_arguments(string typeName, string fieldName, string arguments, string type)
    {
        var schema = BuildSchema();

        var owner = Assert.IsAssignableFrom<IComplexGraphType>(schema.AllTypes[typeName]);
        var field = owner.GetField(fieldName);
        Assert.NotNull(field);
        Assert.Equal(type, field.ResolvedType!.ToString());
        var printedArguments = string.Join(", ", (field.Arguments ?? []).Select(a => $"{a.Name}: {a.ResolvedType}"));
        Assert.Equal(arguments, printedArguments);
    }
}
