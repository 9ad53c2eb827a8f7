using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Predictions;

namespace NbaPredict.Core.Features.Scoring;

public sealed record ModelScoreView(
    string ModelVersion, DateOnly GameDate, string Stat, int Rows, double Mae, double Coverage80, double Coverage95,
    int RollingDays, int RollingRows, double RollingMae, double RollingCoverage80, double RollingCoverage95,
    int ReportedRows = 0, double ReportedMae = 0)
{
    public static ModelScoreView From(ModelScore s) => new(
        s.ModelVersion, s.GameDate, s.Stat, s.Rows, s.Mae, s.Coverage80, s.Coverage95,
        s.RollingDays, s.RollingRows, s.RollingMae, s.RollingCoverage80, s.RollingCoverage95, s.ReportedRows, s.ReportedMae);
}

/// <summary>
/// The feedback loop's scorer: joins the predictions stored for a game day to what the players actually did and
/// keeps, per model version and stat, that day's MAE and interval coverage plus the rolling figures over the
/// last days. Rows predicted with an injury report are also scored apart, so the value of reports can be seen. Scoring
/// a day again replaces its rows, so it is safe to repeat.
/// </summary>
public sealed class ModelScoringService(IDbContextFactory<NbaDbContext> contexts, TimeProvider time)
{
    public async Task<IReadOnlyList<ModelScoreView>> ScoreDayAsync(DateOnly date, int rollingDays = 14, CancellationToken cancellationToken = default)
    {
        if (rollingDays is < 1 or > 365)
        {
            throw new DomainException("INVALID_ARGUMENT", $"rollingDays must be between 1 and 365; got {rollingDays}");
        }

        await using var db = contexts.CreateDbContext();
        // One query: every stored prediction of the day with the actual line of the same player in the same game.
        var joined = await (
            from p in db.Predictions
            where p.GameDate == date
            join pg in db.PlayerGames on new { p.GameId, p.PlayerId } equals new { pg.GameId, pg.PlayerId }
            where pg.Minutes > 0
            select new { p.ModelVersion, p.StatsJson, p.AbsencesNamed, pg.Minutes, pg.Pts, pg.Reb, pg.Ast, pg.Fg3m, pg.Stl, pg.Blk, pg.Tov })
            .ToListAsync(cancellationToken);
        if (joined.Count == 0)
        {
            return [];
        }

        var daily = new Dictionary<(string Version, string Stat), Accumulator>();
        var reported = new Dictionary<(string Version, string Stat), Accumulator>();
        foreach (var row in joined)
        {
            foreach (var stat in PredictionStats.Parse(row.StatsJson))
            {
                double actual = stat.Stat switch
                {
                    "PTS" => row.Pts,
                    "REB" => row.Reb,
                    "AST" => row.Ast,
                    "FG3M" => row.Fg3m,
                    "STL" => row.Stl,
                    "BLK" => row.Blk,
                    "TOV" => row.Tov,
                    "MIN" => row.Minutes,
                    _ => double.NaN,
                };
                if (double.IsNaN(actual))
                {
                    continue;
                }

                var key = (row.ModelVersion, stat.Stat);
                var in80 = actual >= stat.Lower80 && actual <= stat.Upper80;
                var in95 = actual >= stat.Lower95 && actual <= stat.Upper95;
                daily[key] = daily.GetValueOrDefault(key).Add(Math.Abs(stat.Value - actual), in80, in95);
                if (row.AbsencesNamed)
                {
                    reported[key] = reported.GetValueOrDefault(key).Add(Math.Abs(stat.Value - actual), in80, in95);
                }
            }
        }

        var versions = daily.Keys.Select(k => k.Version).Distinct(StringComparer.Ordinal).ToList();
        var windowStart = date.AddDays(-(rollingDays - 1));
        var earlier = await db.ModelScores
            .Where(s => versions.Contains(s.ModelVersion) && s.GameDate >= windowStart && s.GameDate < date)
            .Select(s => new { s.ModelVersion, s.Stat, s.Rows, s.Mae, s.Coverage80, s.Coverage95 })
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var scores = daily.OrderBy(d => d.Key.Version, StringComparer.Ordinal).ThenBy(d => d.Key.Stat, StringComparer.Ordinal).Select(d =>
        {
            var day = d.Value;
            var rolling = earlier.Where(e => e.ModelVersion == d.Key.Version && e.Stat == d.Key.Stat)
                .Aggregate(day, (acc, e) => acc.Merge(e.Rows, e.Mae, e.Coverage80, e.Coverage95));
            return new ModelScore
            {
                ModelVersion = d.Key.Version,
                GameDate = date,
                Stat = d.Key.Stat,
                Rows = day.Rows,
                Mae = Math.Round(day.Mae, 4),
                Coverage80 = Math.Round(day.Coverage80, 4),
                Coverage95 = Math.Round(day.Coverage95, 4),
                RollingDays = rollingDays,
                RollingRows = rolling.Rows,
                RollingMae = Math.Round(rolling.Mae, 4),
                RollingCoverage80 = Math.Round(rolling.Coverage80, 4),
                RollingCoverage95 = Math.Round(rolling.Coverage95, 4),
                ReportedRows = reported.GetValueOrDefault(d.Key).Rows,
                ReportedMae = Math.Round(reported.GetValueOrDefault(d.Key).Mae, 4),
                ScoredAt = now,
            };
        }).ToList();

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.ModelScores.Where(s => s.GameDate == date && versions.Contains(s.ModelVersion)).ExecuteDeleteAsync(ct);
            db.ModelScores.AddRange(scores);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
        return scores.Select(ModelScoreView.From).ToList();
    }

    /// <summary>The latest rolling scores of a model version (one row per stat), or none before it was scored.</summary>
    public async Task<IReadOnlyList<ModelScoreView>> LatestAsync(string modelVersion, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var last = await db.ModelScores.Where(s => s.ModelVersion == modelVersion).MaxAsync(s => (DateOnly?)s.GameDate, cancellationToken);
        if (last is null)
        {
            return [];
        }

        var rows = await db.ModelScores.Where(s => s.ModelVersion == modelVersion && s.GameDate == last).OrderBy(s => s.Stat).ToListAsync(cancellationToken);
        return rows.Select(ModelScoreView.From).ToList();
    }

    /// <summary>Sums of absolute errors and covered counts, so days combine exactly into rolling figures.</summary>
    private readonly record struct Accumulator(int Rows, double AbsoluteError, double Covered80, double Covered95)
    {
        public double Mae => Rows == 0 ? 0 : AbsoluteError / Rows;
        public double Coverage80 => Rows == 0 ? 0 : Covered80 / Rows;
        public double Coverage95 => Rows == 0 ? 0 : Covered95 / Rows;

        public Accumulator Add(double absoluteError, bool in80, bool in95) =>
            new(Rows + 1, AbsoluteError + absoluteError, Covered80 + (in80 ? 1 : 0), Covered95 + (in95 ? 1 : 0));

        public Accumulator Merge(int rows, double mae, double coverage80, double coverage95) =>
            new(Rows + rows, AbsoluteError + (mae * rows), Covered80 + (coverage80 * rows), Covered95 + (coverage95 * rows));
    }
}
