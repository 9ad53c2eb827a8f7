using Microsoft.EntityFrameworkCore;

namespace NbaPredict.Core.Domain;

/// <summary>
/// How one model version did on one game day for one stat, once the results were in, with the rolling figures
/// over the last <see cref="RollingDays"/> days ending that day.
/// </summary>
public sealed class ModelScore
{
    public long Id { get; set; }
    public required string ModelVersion { get; set; }
    public DateOnly GameDate { get; set; }

    /// <summary>Upper-case stat code as in predictions: PTS, REB, AST, FG3M, STL, BLK, TOV, MIN.</summary>
    public required string Stat { get; set; }

    public int Rows { get; set; }
    public double Mae { get; set; }
    public double Coverage80 { get; set; }
    public double Coverage95 { get; set; }
    public int RollingDays { get; set; }
    public int RollingRows { get; set; }
    public double RollingMae { get; set; }
    public double RollingCoverage80 { get; set; }
    public double RollingCoverage95 { get; set; }

    /// <summary>Of <see cref="Rows"/>, those predicted with their team's injury report (<c>predictions.absences_named</c>).</summary>
    public int ReportedRows { get; set; }

    /// <summary>The MAE of those rows that day; 0 when there were none.</summary>
    public double ReportedMae { get; set; }

    public DateTimeOffset ScoredAt { get; set; }
}

/// <summary>One champion/challenger decision: the candidate, the champion, the window and the numbers compared.</summary>
public sealed class RetrainingDecision
{
    public long Id { get; set; }
    public DateTimeOffset DecidedAt { get; set; }

    /// <summary>What asked for the retraining: <c>schedule</c>, <c>drift #id</c>, <c>manual</c>, <c>replay</c>.</summary>
    public required string Trigger { get; set; }

    public required string CandidateVersion { get; set; }
    public string? ChampionVersion { get; set; }
    public DateOnly WindowFrom { get; set; }
    public DateOnly WindowTo { get; set; }
    public int WindowRows { get; set; }

    /// <summary>1 − mean over stats of candidate MAE / champion MAE: 0.02 means 2% lower error on average.</summary>
    public double Improvement { get; set; }

    public double Margin { get; set; }
    public bool Promoted { get; set; }
    public required string Reason { get; set; }

    /// <summary>Per stat: candidate MAE and champion MAE on the window, as JSON.</summary>
    public required string StatsJson { get; set; }
}

public enum JobRunStatus
{
    Running,
    Succeeded,
    Failed,
}

/// <summary>One execution of a scheduled job on one node: the audit trail, and how a double run would show.</summary>
public sealed class JobRun
{
    public long Id { get; set; }
    public required string JobName { get; set; }
    public required string FireInstanceId { get; set; }
    public DateTimeOffset ScheduledFireTime { get; set; }
    public required string InstanceName { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public JobRunStatus Status { get; set; }
    public string? Summary { get; set; }
}

internal static class FeedbackLoopModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ModelScore>(score =>
        {
            score.ToTable("model_scores");
            score.Property(s => s.ModelVersion).HasMaxLength(64);
            score.Property(s => s.Stat).HasMaxLength(8);
            score.HasIndex(s => new { s.ModelVersion, s.GameDate, s.Stat }).IsUnique();
            score.HasIndex(s => s.GameDate);
        });

        modelBuilder.Entity<RetrainingDecision>(decision =>
        {
            decision.ToTable("retraining_decisions");
            decision.Property(d => d.Trigger).HasMaxLength(64);
            decision.Property(d => d.CandidateVersion).HasMaxLength(64);
            decision.Property(d => d.ChampionVersion).HasMaxLength(64);
            decision.Property(d => d.Reason).HasMaxLength(500);
        });

        modelBuilder.Entity<JobRun>(run =>
        {
            run.ToTable("job_runs");
            run.Property(r => r.JobName).HasMaxLength(64);
            run.Property(r => r.FireInstanceId).HasMaxLength(128);
            run.Property(r => r.InstanceName).HasMaxLength(200);
            run.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            run.Property(r => r.Summary).HasMaxLength(1000);
            run.HasIndex(r => new { r.JobName, r.ScheduledFireTime });
        });
    }
}
