using Microsoft.EntityFrameworkCore;

namespace NbaPredict.Core.Features.Availability;

/// <summary>
/// A team's injury report (inactive list) for one game not yet played: the players known to miss it. One row per
/// team-game; a new report replaces the earlier one, and an empty list means "nobody is out".
/// </summary>
public sealed class AvailabilityReport
{
    public required string GameId { get; set; }
    public int TeamId { get; set; }

    /// <summary>The game's date, so a day's slate reads its reports without a join.</summary>
    public DateOnly GameDate { get; set; }

    public List<int> UnavailablePlayerIds { get; set; } = [];
    public DateTimeOffset ReportedAt { get; set; }

    /// <summary>The OAuth client or API key that reported it; null for anonymous or internal callers.</summary>
    public string? ReportedBy { get; set; }

    internal static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<AvailabilityReport>(report =>
    {
        report.ToTable("availability_reports");
        report.HasKey(r => new { r.GameId, r.TeamId });
        report.Property(r => r.GameId).HasMaxLength(10);
        report.Property(r => r.ReportedBy).HasMaxLength(200);
        report.HasIndex(r => r.GameDate);
    });

    /// <summary>The reports of a date's games, keyed by game and team.</summary>
    public static async Task<Dictionary<(string GameId, int TeamId), int[]>> ForDateAsync(Data.NbaDbContext db, DateOnly date, CancellationToken cancellationToken) =>
        (await db.AvailabilityReports.AsNoTracking().Where(r => r.GameDate == date).ToListAsync(cancellationToken))
            .ToDictionary(r => (r.GameId, r.TeamId), r => r.UnavailablePlayerIds.ToArray());
}

/// <summary>A stored report as callers see it.</summary>
public sealed record AvailabilityView(string GameId, int TeamId, DateOnly GameDate, IReadOnlyList<int> UnavailablePlayerIds, DateTimeOffset ReportedAt, string? ReportedBy)
{
    public static AvailabilityView From(AvailabilityReport r) => new(r.GameId, r.TeamId, r.GameDate, r.UnavailablePlayerIds, r.ReportedAt, r.ReportedBy);
}

/// <summary>The outcome of a report: what is stored now, and the game's predictions remade with it.</summary>
public sealed record AvailabilityReported(AvailabilityView Report, IReadOnlyList<Predictions.PredictionView> Predictions);

/// <summary>One team's report for one game, as a feed gives it.</summary>
public sealed record TeamAvailability(string GameId, string TeamCode, IReadOnlyList<int> UnavailablePlayerIds);

/// <summary>What a feed's reports did: the stored reports, what was left out and why, and how many predictions were remade.</summary>
public sealed record AvailabilityBatch(IReadOnlyList<AvailabilityView> Stored, IReadOnlyList<string> Problems, int PredictionsRemade);
