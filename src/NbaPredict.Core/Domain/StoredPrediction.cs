namespace NbaPredict.Core.Domain;

/// <summary>
/// A served prediction, kept so it can be joined to the real result later: which model made it, from which
/// feature schema and inputs, and when.
/// </summary>
public sealed class StoredPrediction
{
    public long Id { get; set; }
    public required string GameId { get; set; }
    public int PlayerId { get; set; }
    public int TeamId { get; set; }
    public int OpponentTeamId { get; set; }
    public bool Home { get; set; }
    public DateOnly GameDate { get; set; }
    public required string ModelVersion { get; set; }
    public required string FeatureSchemaVersion { get; set; }

    /// <summary>SHA-256 of the feature vector, so identical inputs can be recognised.</summary>
    public required string InputsHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The eight stats with 80% and 95% intervals, as JSON (see <c>PredictionStats</c>).</summary>
    public required string StatsJson { get; set; }

    /// <summary>The running experiment this prediction was made under, if any.</summary>
    public int? ExperimentId { get; set; }

    /// <summary>
    /// True when this row is (or was) the answer a caller got; false for a shadow row: another experiment variant's
    /// prediction of the same player-game, stored only so variants can be compared on paired errors.
    /// </summary>
    public bool Served { get; set; } = true;

    /// <summary>
    /// True when the team's availability report named who is out: those teammates counted as absent, and the model
    /// trained for named absences predicted (when the model version has one).
    /// </summary>
    public bool AbsencesNamed { get; set; }
}
