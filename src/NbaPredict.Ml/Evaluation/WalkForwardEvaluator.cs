using NbaPredict.Ml.Data;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Ml.Evaluation;

/// <summary>
/// One evaluated player-game: the actual line, the predicted stats with intervals, and the last-10-game mean of
/// each stat as of that game (the baseline), in the same order as the predictions.
/// </summary>
public readonly record struct EvaluatedRow(PlayerGameRecord Actual, ReadOnlyMemory<StatPrediction> Predictions, ReadOnlyMemory<float> Last10Baselines, bool HadHistory);

/// <summary>Result of a walk-forward evaluation: metrics on rows whose player had history, and on all rows.</summary>
public sealed record WalkForwardResult(
    IReadOnlyDictionary<StatKind, StatMetrics> WithHistory,
    IReadOnlyDictionary<StatKind, StatMetrics> AllRows,
    int Days,
    int RowsEvaluated,
    int RowsWithoutHistory);

/// <summary>
/// Walks forward through unseen games day by day with a frozen model: every game is predicted from history
/// strictly before its date (the given history plus earlier days of the evaluated set), then its actual line
/// joins the history. Nothing is retrained and nothing from a day is visible to that day's predictions, except,
/// when given, the games' inactive lists (<c>namedAbsences</c>, keyed by game and team), which are known before
/// tip-off and go to the known-absence model.
/// </summary>
public static class WalkForwardEvaluator
{
    public static WalkForwardResult Run(
        ModelBundle bundle,
        IReadOnlyList<PlayerGameRecord> history,
        IReadOnlyList<PlayerGameRecord> evaluated,
        Action<EvaluatedRow>? onRow = null,
        Action<int, int>? onDay = null,
        IReadOnlyDictionary<(string GameId, string Team), int[]>? namedAbsences = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(evaluated);

        var firstDay = evaluated.Count == 0 ? DateOnly.MaxValue : evaluated.Min(r => r.Date);
        var keys = new HashSet<(string, int)>(evaluated.Select(r => (r.GameId, r.PlayerId)));
        // History is cut at the first evaluated day, so an evaluated game can never leak into its own features.
        var prior = history.Where(r => r.Date < firstDay && !keys.Contains((r.GameId, r.PlayerId))).ToList();
        var (store, _) = FeatureStore.BuildHistorical(prior);

        var stats = bundle.Stats;
        var withHistory = stats.ToDictionary(s => s, s => new MetricsAccumulator(s));
        var all = stats.ToDictionary(s => s, s => new MetricsAccumulator(s));
        var baselineColumns = stats.ToDictionary(s => s, s =>
        {
            var name = s.ToString().ToLowerInvariant();
            return (Season: FeatureSchema.IndexOf("p_season_mean_" + name), Last10: FeatureSchema.IndexOf("p_mean10_" + name), Ewma: FeatureSchema.IndexOf("p_ewma_" + name));
        });
        var hasHistoryColumn = FeatureSchema.IndexOf("c_has_history");

        var days = evaluated.OrderBy(r => r.Date).ThenBy(r => r.GameId, StringComparer.Ordinal).GroupBy(r => r.Date).ToList();
        var features = new float[FeatureSchema.Count];
        var rows = 0;
        var withoutHistory = 0;
        for (var d = 0; d < days.Count; d++)
        {
            var day = days[d].ToArray();
            foreach (var record in day)
            {
                if (record.Minutes <= 0)
                {
                    continue;
                }

                var predictions = new StatPrediction[stats.Count];
                var baselines = new float[stats.Count];
                if (namedAbsences is not null && namedAbsences.TryGetValue((record.GameId, record.TeamCode), out var unavailable))
                {
                    // the game's inactive list was given: the known-absence model, as for a what-if naming it
                    store.Featurize(PlayerGameQuery.From(record), features, unavailable);
                    bundle.PredictWithKnownAbsences(features, predictions);
                }
                else
                {
                    store.Featurize(PlayerGameQuery.From(record), features);
                    bundle.Predict(features, predictions);
                }

                var hadHistory = features[hasHistoryColumn] > 0;
                rows++;
                withoutHistory += hadHistory ? 0 : 1;
                for (var i = 0; i < stats.Count; i++)
                {
                    var p = predictions[i];
                    var (season, last10, ewma) = baselineColumns[p.Stat];
                    var actual = StatKinds.Get(record, p.Stat);
                    baselines[i] = features[last10];
                    all[p.Stat].Add(actual, p.Value, p.Lo80, p.Hi80, p.Lo95, p.Hi95, features[season], features[last10], features[ewma]);
                    if (hadHistory)
                    {
                        withHistory[p.Stat].Add(actual, p.Value, p.Lo80, p.Hi80, p.Lo95, p.Hi95, features[season], features[last10], features[ewma]);
                    }
                }

                onRow?.Invoke(new EvaluatedRow(record, predictions, baselines, hadHistory));
            }

            store.IngestDay(day);
            onDay?.Invoke(d + 1, days.Count);
        }

        return new WalkForwardResult(
            withHistory.ToDictionary(kv => kv.Key, kv => kv.Value.Build()),
            all.ToDictionary(kv => kv.Key, kv => kv.Value.Build()),
            days.Count,
            rows,
            withoutHistory);
    }
}
