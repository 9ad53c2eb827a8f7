using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Models;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Core.Features.Retraining;

/// <summary>What to retrain with; unset values come from the <c>Jobs:Retrain</c> settings.</summary>
public sealed record RetrainRequest(string Trigger, int? WindowDays = null, double? Margin = null, TrainingOptions? Options = null, DateOnly? AsOf = null);

public sealed record StatComparison(string Stat, double CandidateMae, double ChampionMae);

public sealed record RetrainingDecisionView(
    long Id, DateTimeOffset DecidedAt, string Trigger, string CandidateVersion, string? ChampionVersion, DateOnly WindowFrom, DateOnly WindowTo,
    int WindowRows, double Improvement, double Margin, bool Promoted, string Reason, IReadOnlyList<StatComparison> Stats)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RetrainingDecisionView From(RetrainingDecision d) => new(
        d.Id, d.DecidedAt, d.Trigger, d.CandidateVersion, d.ChampionVersion, d.WindowFrom, d.WindowTo, d.WindowRows, d.Improvement, d.Margin, d.Promoted, d.Reason,
        JsonSerializer.Deserialize<StatComparison[]>(d.StatsJson, Json) ?? []);
}

/// <summary>
/// Champion and challenger: trains a candidate on every game before the recent window, measures it and the
/// production model on that window (games neither was fitted to, as far as the candidate goes), and promotes
/// the candidate only when its mean relative MAE improvement reaches the margin. Every decision is stored with
/// its numbers, promoted or not.
/// </summary>
public sealed class RetrainingService(
    IDbContextFactory<NbaDbContext> contexts,
    ModelTrainingService trainer,
    ModelRegistryService registry,
    ProductionModel production,
    HistoryLoader history,
    Jobs.JobOptions defaults,
    TimeProvider time,
    ILogger<RetrainingService> logger)
{
    private const int MinWindowRows = 50;

    public async Task<RetrainingDecisionView> RetrainAsync(RetrainRequest request, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        log ??= _ => { };
        var windowDays = request.WindowDays ?? defaults.Retrain.WindowDays;
        var margin = request.Margin ?? defaults.Retrain.Margin;
        if (windowDays is < 1 or > 120)
        {
            throw new DomainException("INVALID_ARGUMENT", $"the comparison window must be 1 to 120 days; got {windowDays}");
        }

        var records = await history.LoadAsync(before: request.AsOf?.AddDays(1), cancellationToken);
        if (records.Count == 0)
        {
            throw new DomainException("NOT_ENOUGH_DATA", "no games are stored yet");
        }

        var windowTo = records[^1].Date;
        var windowFrom = windowTo.AddDays(-(windowDays - 1));
        log($"training a candidate on games before {windowFrom:yyyy-MM-dd}; comparing on {windowFrom:yyyy-MM-dd}…{windowTo:yyyy-MM-dd}");
        var options = request.Options ?? (defaults.Retrain.Quick ? TrainingOptions.Quick : null);
        var outcome = await trainer.TrainAsync(new TrainingRequest(Options: options, Before: windowFrom), log, cancellationToken);
        var candidate = outcome.Model;
        var champion = await production.GetAsync(cancellationToken);

        var (_, matrix) = await Task.Run(() => FeatureStore.BuildHistorical(records), cancellationToken);
        var window = Enumerable.Range(0, matrix.Rows)
            .Where(i => matrix.Records[i].Date >= windowFrom && matrix.Records[i].Minutes > 0)
            .ToList();
        var candidateMae = WindowMae(outcome.Bundle, matrix, window);
        var championMae = champion is null ? null : WindowMae(champion.Bundle, matrix, window);
        var stats = candidateMae.Select(c => new StatComparison(c.Key, Math.Round(c.Value, 4), Math.Round(championMae?.GetValueOrDefault(c.Key) ?? 0, 4))).ToList();

        double improvement;
        bool promote;
        string reason;
        if (champion is null)
        {
            (improvement, promote, reason) = (0, true, "no production model: the candidate becomes the first champion");
        }
        else if (window.Count < MinWindowRows)
        {
            (improvement, promote, reason) = (0, false, $"only {window.Count} player-games in the window (at least {MinWindowRows} are needed to judge); the candidate stays a candidate");
        }
        else
        {
            var ratios = stats.Where(s => s.ChampionMae > 0).Select(s => s.CandidateMae / s.ChampionMae).ToList();
            improvement = ratios.Count == 0 ? 0 : Math.Round(1 - ratios.Average(), 4);
            promote = improvement >= margin;
            reason = promote
                ? $"candidate MAE is {improvement:P1} lower on average than {champion.Version.Version}'s, at least the {margin:P1} margin"
                : $"candidate improves on {champion.Version.Version} by {improvement:P1}, short of the {margin:P1} margin; it stays a candidate";
        }

        if (promote)
        {
            await registry.PromoteAsync(candidate.Version, cancellationToken);
        }

        var decision = new RetrainingDecision
        {
            DecidedAt = time.GetUtcNow(),
            Trigger = request.Trigger.Length > 64 ? request.Trigger[..64] : request.Trigger,
            CandidateVersion = candidate.Version,
            ChampionVersion = champion?.Version.Version,
            WindowFrom = windowFrom,
            WindowTo = windowTo,
            WindowRows = window.Count,
            Improvement = improvement,
            Margin = margin,
            Promoted = promote,
            Reason = reason,
            StatsJson = JsonSerializer.Serialize(stats, RetrainingDecisionView.Json),
        };
        await using (var db = contexts.CreateDbContext())
        {
            db.RetrainingDecisions.Add(decision);
            await db.SaveChangesAsync(cancellationToken);
        }

        logger.LogInformation("Retraining ({Trigger}): {Reason}", decision.Trigger, reason);
        log(reason);
        return RetrainingDecisionView.From(decision);
    }

    public async Task<IReadOnlyList<RetrainingDecisionView>> ListAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.RetrainingDecisions.OrderByDescending(d => d.Id).Take(Math.Clamp(count, 1, 100)).ToListAsync(cancellationToken);
        return rows.Select(RetrainingDecisionView.From).ToList();
    }

    private static Dictionary<string, double> WindowMae(ModelBundle bundle, FeatureMatrix matrix, List<int> rows)
    {
        var stats = bundle.Stats;
        var predictions = new StatPrediction[stats.Count];
        var errors = new double[stats.Count];
        foreach (var row in rows)
        {
            bundle.Predict(matrix.Row(row), predictions);
            for (var s = 0; s < stats.Count; s++)
            {
                errors[s] += Math.Abs(predictions[s].Value - StatKinds.Get(matrix.Records[row], stats[s]));
            }
        }

        return stats.Select((stat, s) => (Stat: stat.ToString().ToUpperInvariant(), Mae: rows.Count == 0 ? 0 : errors[s] / rows.Count))
            .ToDictionary(x => x.Stat, x => x.Mae, StringComparer.Ordinal);
    }
}
