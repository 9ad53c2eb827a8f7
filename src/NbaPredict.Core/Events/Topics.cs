using System.Globalization;

namespace NbaPredict.Core.Events;

/// <summary>Event-bus topic names shared by publishers and the GraphQL subscriptions.</summary>
public static class Topics
{
    public const string Predictions = "predictions";
    public const string ModelPromoted = "models.promoted";
    public const string ExperimentChanged = "experiments.changed";

    public static string PredictionsForGame(string gameId) => "predictions.game." + gameId;

    public static string PredictionsForPlayer(int playerId) => "predictions.player." + playerId.ToString(CultureInfo.InvariantCulture);
}
