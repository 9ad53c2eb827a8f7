namespace NbaPredict.Core.Features.Security;

/// <summary>
/// The OAuth scopes, for code below the API (CLI, services). The API refers to them through
/// <c>NbaPredict.Graph.Security.Scopes</c>, whose constants are these.
/// </summary>
public static class ScopeNames
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
