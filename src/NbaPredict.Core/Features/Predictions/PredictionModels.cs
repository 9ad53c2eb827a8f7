using System.Text.Json;
using NbaPredict.Core.Domain;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Core.Features.Predictions;

/// <summary>One predicted stat with its central 80% and 95% intervals.</summary>
public sealed record PredictedStat(string Stat, double Value, double Lower80, double Upper80, double Lower95, double Upper95);

/// <summary>A stored prediction as callers see it. Immutable, so the in-memory cache hands out the instance itself.</summary>
[System.ComponentModel.ImmutableObject(true)]
public sealed record PredictionView(
    long Id,
    string GameId,
    int PlayerId,
    int TeamId,
    int OpponentTeamId,
    bool Home,
    DateOnly GameDate,
    string ModelVersion,
    string FeatureSchemaVersion,
    string InputsHash,
    DateTimeOffset CreatedAt,
    IReadOnlyList<PredictedStat> Stats,
    int? ExperimentId = null,
    bool Served = true,
    bool AbsencesNamed = false)
{
    public static PredictionView From(StoredPrediction p) => new(
        p.Id, p.GameId, p.PlayerId, p.TeamId, p.OpponentTeamId, p.Home, p.GameDate, p.ModelVersion, p.FeatureSchemaVersion, p.InputsHash, p.CreatedAt,
        PredictionStats.Parse(p.StatsJson), p.ExperimentId, p.Served, p.AbsencesNamed);
}

/// <summary>A cached answer: a list of predictions, immutable so in-memory cache hits need no copy.</summary>
[System.ComponentModel.ImmutableObject(true)]
public sealed record PredictionList(IReadOnlyList<PredictionView> Items);

/// <summary>A hypothetical line (no stored game): who, against whom, where, when, and the predicted stats.</summary>
public sealed record WhatIfPrediction(int PlayerId, int TeamId, int OpponentTeamId, bool Home, DateOnly Date, string ModelVersion, IReadOnlyList<PredictedStat> Stats)
{
    /// <summary>The players assumed out, as given (null: none given, absences inferred from the team's last game).</summary>
    public IReadOnlyList<int>? UnavailablePlayerIds { get; init; }

    /// <summary>Whether the model trained for named absences predicted (a list was given and the bundle has one).</summary>
    public bool KnownAbsenceModel { get; init; }
}

public static class PredictionStats
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(ReadOnlySpan<StatPrediction> predictions)
    {
        var stats = new PredictedStat[predictions.Length];
        for (var i = 0; i < predictions.Length; i++)
        {
            var p = predictions[i];
            stats[i] = new PredictedStat(p.Stat.ToString().ToUpperInvariant(), Round(p.Value), Round(p.Lo80), Round(p.Hi80), Round(p.Lo95), Round(p.Hi95));
        }

        return JsonSerializer.Serialize(stats, Json);
    }

    public static IReadOnlyList<PredictedStat> Parse(string json) =>
        JsonSerializer.Deserialize<PredictedStat[]>(json, Json) ?? [];

    private static double Round(float value) => Math.Round(value, 2);
}
