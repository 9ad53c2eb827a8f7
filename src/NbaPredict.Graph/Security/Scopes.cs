namespace NbaPredict.Graph.Security;

/// <summary>
/// The OAuth scopes of the API. A scope's name doubles as the authorization policy name, so GraphQL fields
/// declare what they need with GraphQL.NET's <c>field.AuthorizeWithPolicy(Scopes.PredictionsRead)</c> and REST
/// endpoints with <c>.WithMetadata(new RequiredScope(Scopes.PredictionsRead))</c>; the security layer enforces both.
/// </summary>
public static class Scopes
{
    public const string PlayersRead = "players.read";
    public const string PredictionsRead = "predictions.read";
    public const string PredictionsWrite = "predictions.write";
    public const string ExperimentsWrite = "experiments.write";
    public const string ModelsAdmin = "models.admin";
    public const string InsightsRead = "insights.read";

    public static IReadOnlyList<string> All { get; } =
        [PlayersRead, PredictionsRead, PredictionsWrite, ExperimentsWrite, ModelsAdmin, InsightsRead];
}

/// <summary>Endpoint metadata: the scope a caller's token or API key must grant to reach a REST endpoint.</summary>
public sealed record RequiredScope(string Scope);
