using System.Text.Json;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Core.Features.Models;

public sealed record TuningRequest(SearchSettings Settings, string? HoldoutSeason = null, TrainingOptions? BaseOptions = null);

public sealed record TuningOutcome(SearchResult Result, TrainingOptions BestOptions, SearchPlan Plan);

/// <summary>
/// Searches the L1 member's hyperparameters on the same windows a training run would use (fit on the training
/// seasons, score on the calibration season), so the held-out season stays unseen. Every trial is handed to
/// <c>onTrial</c> as it finishes, which the command line writes to a JSON-lines file at once.
/// </summary>
public sealed class HyperparameterTuningService(HistoryLoader history)
{
    public async Task<TuningOutcome> TuneAsync(TuningRequest request, Action<SearchTrial>? onTrial = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        log ??= _ => { };
        var (records, plan, seasons) = TrainingWindows.Select(await history.LoadAsync(cancellationToken: cancellationToken), request.HoldoutSeason, before: null);
        var searchPlan = SearchPlan.From(plan);
        log($"tuning on {records.Count:N0} player-games: fit {Seasons.Label(seasons[0])}…{Seasons.Label(seasons[^2])}, score {Seasons.Label(seasons[^1])}");
        var (_, matrix) = FeatureStore.BuildHistorical(records);
        var baseOptions = request.BaseOptions ?? new TrainingOptions();
        var result = await Task.Run(
            () => HyperparameterSearch.Run(matrix, searchPlan, baseOptions, request.Settings, trial =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                onTrial?.Invoke(trial);
            }),
            cancellationToken);
        return new TuningOutcome(result, result.BestOptions(baseOptions), searchPlan);
    }

    /// <summary>Reads training options written by <c>tune --best-out</c>, naming the problem when the file is unusable.</summary>
    public static TrainingOptions ReadOptions(string path)
    {
        if (!File.Exists(path))
        {
            throw new DomainException("OPTIONS_NOT_FOUND", $"training options file '{path}' does not exist");
        }

        try
        {
            return JsonSerializer.Deserialize<TrainingOptions>(File.ReadAllText(path), ModelTrainingService.Json)
                ?? throw new DomainException("INVALID_OPTIONS", $"training options file '{path}' is empty");
        }
        catch (JsonException ex)
        {
            throw new DomainException("INVALID_OPTIONS", $"training options file '{path}' is not valid JSON: {ex.Message}");
        }
    }

    public static string WriteOptions(TrainingOptions options) => JsonSerializer.Serialize(options, IndentedJson);

    private static readonly JsonSerializerOptions IndentedJson = new(ModelTrainingService.Json) { WriteIndented = true };
}
