namespace NbaPredict.Graph.GraphQL.Ide;

/// <summary>Where and how the Banana Cake Pop GraphQL IDE is served (see docs/decisions/0006-graphql-ide.md).</summary>
public sealed class BananaCakePopOptions
{
    /// <summary>The GraphQL endpoint whose browser navigations (GET accepting text/html) get the IDE page. Default <c>/graphql</c>.</summary>
    public string GraphQLPath { get; set; } = "/graphql";

    /// <summary>URL prefix of the IDE's static files (scripts, styles, fonts). Default <c>/graphql-ide</c>.</summary>
    public string AssetsPath { get; set; } = "/graphql-ide";

    /// <summary>Where the schema is served as SDL for the IDE (its <c>sdlEndpoint</c>). Default <c>/graphql-ide/schema.graphql</c>.</summary>
    public string SchemaPath { get; set; } = "/graphql-ide/schema.graphql";

    /// <summary>
    /// Folder holding the IDE's static build (its <c>index.html</c> and <c>static/</c>). Default: <c>graphql-ide</c> beside
    /// the application, where the build copies the npm package <c>@chillicream/bananacakepop-graphql-ide</c>.
    /// </summary>
    public string FilesDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "graphql-ide");

    /// <summary>Name of the IDE's default connection.</summary>
    public string Title { get; set; } = "NbaPredict";

    /// <summary>Subscription protocol preset in the connection settings. Default <c>graphql-transport-ws</c>.</summary>
    public string SubscriptionProtocol { get; set; } = "graphql-transport-ws";

    /// <summary>The document a new tab starts with.</summary>
    public string Document { get; set; } = DefaultDocument;

    /// <summary>Example operations shown in a new document: the first one is selected for Run.</summary>
    public const string DefaultDocument = """
        # NbaPredict GraphQL. Run the selected operation with the Run button or Ctrl+Alt+Enter.

        query PlayerSearch {
          players(search: "Curry", first: 5) {
            nodes {
              nbaId
              name
              team {
                abbreviation
              }
            }
            totalCount
          }
        }

        query GamesOnDate {
          games(date: "2024-04-14") {
            totalCount
            nodes {
              nbaGameId
              date
              homeTeam {
                abbreviation
              }
              awayTeam {
                abbreviation
              }
              homeScore
              awayScore
            }
          }
        }

        """;
}
