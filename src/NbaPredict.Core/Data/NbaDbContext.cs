using System.Text;
using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Data;

/// <summary>
/// One model for both providers. Each provider has its own subclass only so that EF Core keeps a separate
/// migration history per provider (SQLite and PostgreSQL DDL differ).
/// </summary>
public abstract class NbaDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<Season> Seasons => Set<Season>();
    public DbSet<Player> Players => Set<Player>();
    public DbSet<Game> Games => Set<Game>();
    public DbSet<PlayerGame> PlayerGames => Set<PlayerGame>();
    public DbSet<ImportedFile> ImportedFiles => Set<ImportedFile>();
    public DbSet<ModelVersion> ModelVersions => Set<ModelVersion>();
    public DbSet<StoredPrediction> Predictions => Set<StoredPrediction>();
    public DbSet<Experiment> Experiments => Set<Experiment>();
    public DbSet<DriftReport> DriftReports => Set<DriftReport>();
    public DbSet<Insight> Insights => Set<Insight>();
    public DbSet<InsightRating> InsightRatings => Set<InsightRating>();
    public DbSet<ModelScore> ModelScores => Set<ModelScore>();
    public DbSet<RetrainingDecision> RetrainingDecisions => Set<RetrainingDecision>();
    public DbSet<JobRun> JobRuns => Set<JobRun>();
    public DbSet<Features.Security.ApiKey> ApiKeys => Set<Features.Security.ApiKey>();
    public DbSet<Features.Security.AuditEntry> AuditEntries => Set<Features.Security.AuditEntry>();
    public DbSet<Features.Availability.AvailabilityReport> AvailabilityReports => Set<Features.Availability.AvailabilityReport>();

    public abstract DatabaseProvider Provider { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Team>(team =>
        {
            team.ToTable("teams");
            team.Property(t => t.Id).ValueGeneratedNever();
            team.Property(t => t.Abbreviation).HasMaxLength(3);
            team.Property(t => t.Name).HasMaxLength(64);
            team.Property(t => t.City).HasMaxLength(64);
            team.Property(t => t.Conference).HasMaxLength(8);
            team.HasIndex(t => t.Abbreviation).IsUnique();
            team.HasData(NbaTeams.All.Select(t => new Team
            {
                Id = t.Id,
                Abbreviation = t.Abbreviation,
                Name = t.Name,
                City = t.City,
                Conference = t.Conference,
            }));
        });

        modelBuilder.Entity<Season>(season =>
        {
            season.ToTable("seasons");
            season.Property(s => s.Id).HasMaxLength(7);
        });

        modelBuilder.Entity<Player>(player =>
        {
            player.ToTable("players");
            player.Property(p => p.Id).ValueGeneratedNever();
            player.Property(p => p.Name).HasMaxLength(128);
            player.Property(p => p.SearchName).HasMaxLength(128);
            player.HasIndex(p => p.SearchName);
            player.HasIndex(p => p.CurrentTeamId);
            player.HasOne(p => p.CurrentTeam).WithMany().HasForeignKey(p => p.CurrentTeamId)
                .OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Game>(game =>
        {
            game.ToTable("games");
            game.Property(g => g.Id).HasMaxLength(10);
            game.Property(g => g.SeasonId).HasMaxLength(7);
            game.Property(g => g.SeasonType).HasMaxLength(32);
            game.HasIndex(g => g.Date);
            game.HasIndex(g => new { g.SeasonId, g.Date });
            game.HasIndex(g => new { g.HomeTeamId, g.Date });
            game.HasIndex(g => new { g.AwayTeamId, g.Date });
            game.HasOne(g => g.HomeTeam).WithMany().HasForeignKey(g => g.HomeTeamId).OnDelete(DeleteBehavior.Restrict);
            game.HasOne(g => g.AwayTeam).WithMany().HasForeignKey(g => g.AwayTeamId).OnDelete(DeleteBehavior.Restrict);
            game.HasOne<Season>().WithMany().HasForeignKey(g => g.SeasonId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<PlayerGame>(box =>
        {
            box.ToTable("player_games");
            box.HasKey(b => new { b.GameId, b.PlayerId });
            box.Property(b => b.GameId).HasMaxLength(10);
            box.Property(b => b.SeasonId).HasMaxLength(7);
            box.HasIndex(b => new { b.PlayerId, b.GameDate });
            box.HasIndex(b => new { b.TeamId, b.GameDate });
            box.HasIndex(b => b.GameDate);
            box.HasOne(b => b.Game).WithMany().HasForeignKey(b => b.GameId).OnDelete(DeleteBehavior.Cascade);
            box.HasOne(b => b.Player).WithMany().HasForeignKey(b => b.PlayerId).OnDelete(DeleteBehavior.Restrict);
            box.HasOne<Team>().WithMany().HasForeignKey(b => b.TeamId).OnDelete(DeleteBehavior.Restrict);
            box.HasOne<Team>().WithMany().HasForeignKey(b => b.OpponentTeamId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<ImportedFile>(file =>
        {
            file.ToTable("imported_files");
            file.HasKey(f => f.FileName);
            file.Property(f => f.FileName).HasMaxLength(260);
            file.Property(f => f.Sha256).HasMaxLength(64);
        });

        modelBuilder.Entity<ModelVersion>(model =>
        {
            model.ToTable("model_versions");
            model.Property(m => m.Version).HasMaxLength(64);
            model.HasIndex(m => m.Version).IsUnique();
            model.HasIndex(m => m.Stage);
            model.Property(m => m.Stage).HasConversion<string>().HasMaxLength(16);
            model.Property(m => m.FeatureSchemaVersion).HasMaxLength(64);
            model.Property(m => m.DataHash).HasMaxLength(64);
            model.Property(m => m.ArtifactPath).HasMaxLength(260);
        });

        modelBuilder.Entity<StoredPrediction>(prediction =>
        {
            prediction.ToTable("predictions");
            prediction.Property(p => p.GameId).HasMaxLength(10);
            prediction.Property(p => p.ModelVersion).HasMaxLength(64);
            prediction.Property(p => p.FeatureSchemaVersion).HasMaxLength(64);
            prediction.Property(p => p.InputsHash).HasMaxLength(64);
            // An experiment keeps its own rows: a later experiment over the same versions never overwrites them.
            prediction.HasIndex(p => new { p.GameId, p.PlayerId, p.ModelVersion, p.ExperimentId }).IsUnique();
            prediction.HasIndex(p => new { p.GameDate, p.ModelVersion });
            prediction.HasIndex(p => new { p.PlayerId, p.GameDate });
            prediction.HasIndex(p => p.ExperimentId);
        });

        modelBuilder.Entity<Experiment>(experiment =>
        {
            experiment.ToTable("experiments");
            experiment.Property(e => e.Name).HasMaxLength(100);
            experiment.Property(e => e.Unit).HasConversion<string>().HasMaxLength(16);
            experiment.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
            experiment.HasIndex(e => new { e.Status, e.Unit });
            experiment.Property(e => e.WinnerModelVersion).HasMaxLength(64);
        });

        modelBuilder.Entity<DriftReport>(report =>
        {
            report.ToTable("drift_reports");
            report.Property(r => r.ModelVersion).HasMaxLength(64);
            report.HasIndex(r => r.ModelVersion);
        });

        InsightModel.Configure(modelBuilder);
        FeedbackLoopModel.Configure(modelBuilder);
        Features.Security.SecurityModel.Configure(modelBuilder);
        Features.Availability.AvailabilityReport.Configure(modelBuilder);
        ApplySnakeCaseColumnNames(modelBuilder);
    }

    /// <summary>Raw SQL in the importers stays readable on PostgreSQL without quoting every identifier.</summary>
    private static void ApplySnakeCaseColumnNames(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.Name));
            }

            foreach (var key in entity.GetKeys())
            {
                key.SetName(ToSnakeCase(key.GetName() ?? string.Empty));
            }

            foreach (var foreignKey in entity.GetForeignKeys())
            {
                foreignKey.SetConstraintName(ToSnakeCase(foreignKey.GetConstraintName() ?? string.Empty));
            }

            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName(ToSnakeCase(index.GetDatabaseName() ?? string.Empty));
            }
        }
    }

    internal static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class SqliteNbaDbContext(DbContextOptions<SqliteNbaDbContext> options) : NbaDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresNbaDbContext(DbContextOptions<PostgresNbaDbContext> options) : NbaDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
