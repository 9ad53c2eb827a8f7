using NbaPredict.Core.Features.Security;

namespace NbaPredict.Graph.Security;

/// <summary>
/// The OAuth scopes of the API. A scope's name doubles as the authorization policy name, so GraphQL fields
/// declare what they need with GraphQL.NET's <c>field.AuthorizeWithPolicy(Scopes.PredictionsRead)</c> and REST
/// endpoints with <c>.WithMetadata(new RequiredScope(Scopes.PredictionsRead))</c>; the security layer enforces both.
/// </summary>
public static class Scopes
{
    public const string PlayersRead = ScopeNames.PlayersRead;
    public const string PredictionsRead = ScopeNames.PredictionsRead;
    public const string PredictionsWrite = ScopeNames.PredictionsWrite;
    public const string ExperimentsWrite = ScopeNames.ExperimentsWrite;
    public const string ModelsAdmin = ScopeNames.ModelsAdmin;
    public const string InsightsRead = ScopeNames.InsightsRead;

    public static IReadOnlyList<string> All => ScopeNames.All;
}

/// <summary>Endpoint metadata: the scope a caller's token or API key must grant to reach a REST endpoint.</summary>
public sealed record RequiredScope(string Scope);
