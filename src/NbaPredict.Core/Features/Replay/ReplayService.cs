using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Features.Drift;
using NbaPredict.Core.Features.Jobs;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Core.Features.Scoring;

namespace NbaPredict.Core.Features.Replay;

/// <summary>What one replayed day did.</summary>
public sealed record ReplayDay(DateOnly Day, int Games, int Predictions, IngestResult Ingested, int Scores, long? DriftReportId, string DriftNote)
{
    public override string ToString() => Games == 0
        ? $"{Day:yyyy-MM-dd}: no games"
        : $"{Day:yyyy-MM-dd}: {Games} games, {Predictions} predictions published, {Ingested.Rows} results ingested ({Ingested.Inserted} new), {Scores} scores, drift: {DriftNote}";
}

/// <summary>
/// Plays a past day as if live, in the order the real system meets it: the day's schedule is known, predictions
/// for it are made from history strictly before it and published, then its results arrive and are ingested,
/// the predictions are scored, and drift is measured as of that day. Every step is idempotent, so replaying the
/// same days again adds nothing twice (predictions and scores are replaced, a drift report for a day that
/// already has one is not repeated).
/// </summary>
public sealed class ReplayService(
    IDayIngestor ingestor,
    ScheduleWriter schedule,
    PredictionService predictions,
    ModelScoringService scoring,
    DriftService drift,
    ProductionModel production,
    JobOptions options,
    IDbContextFactory<NbaDbContext> contexts)
{
    public async Task<ReplayDay> ReplayDayAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        var games = await ingestor.GetScheduleAsync(day, cancellationToken);
        if (games.Count == 0)
        {
            return new ReplayDay(day, 0, 0, IngestResult.Empty(day, "none"), 0, null, "no games");
        }

        await schedule.AddMissingAsync(games, cancellationToken);
        var published = await PredictAsync(day, cancellationToken);
        var ingested = await ingestor.IngestDayAsync(day, cancellationToken);
        var scores = await scoring.ScoreDayAsync(day, options.ScoreRollingDays, cancellationToken);
        var (reportId, note) = await MeasureDriftAsync(day, cancellationToken);
        return new ReplayDay(day, games.Count, published, ingested, scores.Count, reportId, note);
    }

    /// <summary>The day's predictions; none when no team of the day has played before (nobody to predict).</summary>
    private async Task<int> PredictAsync(DateOnly day, CancellationToken cancellationToken)
    {
        try
        {
            return (await predictions.RefreshAsync(day, cancellationToken)).Count;
        }
        catch (DomainException ex) when (ex.Code == "NO_GAMES")
        {
            return 0;
        }
    }

    private async Task<(long? ReportId, string Note)> MeasureDriftAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var model = await production.GetAsync(cancellationToken);
        if (model is null)
        {
            return (null, "no production model");
        }

        await using (var db = contexts.CreateDbContext())
        {
            var version = model.Version.Version;
            var existing = await db.DriftReports.Where(r => r.ModelVersion == version && r.RecentTo == day)
                .Select(r => new { r.Id, r.Drifted }).FirstOrDefaultAsync(cancellationToken);
            if (existing is not null)
            {
                return (existing.Id, $"report {existing.Id} already measured (drifted: {existing.Drifted})");
            }
        }

        try
        {
            var settings = options.Drift;
            var report = await drift.RunAsOfAsync(day, settings.RecentDays, settings.PsiThreshold, settings.ErrorRatioThreshold, cancellationToken);
            return (report.Id, $"report {report.Id}, max PSI {report.MaxFeaturePsi:F3}, drifted: {report.Drifted}");
        }
        catch (DomainException ex) when (ex.Code == "NOT_ENOUGH_RECENT_DATA")
        {
            return (null, ex.Message);
        }
    }
}
