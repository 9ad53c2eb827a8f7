using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NbaPredict.Core.Events;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Core.Import;

namespace NbaPredict.Core.Data;

public static class StorageSetup
{
    /// <summary>
    /// Registers the database (PostgreSQL when <c>ConnectionStrings:Postgres</c> is set, else SQLite under the data
    /// directory), the importer and the feature services. The provider is chosen from the final configuration
    /// when first needed, so hosts and test factories can still add configuration after registration.
    /// </summary>
    public static IServiceCollection AddNbaStorage(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => NbaPredictSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton<NbaDbContextFactory>();
        services.TryAddSingleton<IDbContextFactory<NbaDbContext>>(sp => sp.GetRequiredService<NbaDbContextFactory>());
        services.TryAddScoped(sp => sp.GetRequiredService<NbaDbContextFactory>().CreateDbContext());
        services.TryAddSingleton<IBoxScoreWriter>(sp => sp.GetRequiredService<NbaPredictSettings>().PostgresConnectionString is null
            ? new SqliteBoxScoreWriter()
            : new PostgresBoxScoreWriter());
        services.TryAddSingleton<Caching.DataVersion>();
        services.TryAddSingleton<Caching.QueryCache>();
        services.TryAddScoped<BoxScoreImporter>();
        services.TryAddScoped<DatabaseInitializer>();
        services.TryAddScoped<Features.Players.PlayerService>();
        services.TryAddScoped<Features.Games.GameService>();
        services.TryAddScoped<Features.Teams.TeamService>();
        Features.Models.ArtifactStoreSetup.AddNbaArtifactStore(services);
        services.TryAddScoped<Features.Models.ModelRegistryService>();
        services.TryAddScoped<Features.Predictions.HistoryLoader>();
        services.TryAddScoped<Features.Models.ModelTrainingService>();
        services.TryAddScoped<Features.Models.HyperparameterTuningService>();
        services.TryAddScoped<Features.Experiments.ExperimentService>();
        services.TryAddScoped<Features.Drift.DriftService>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Features.Predictions.ProductionModel>();
        services.TryAddSingleton<Features.Predictions.LiveFeatureStore>();
        services.TryAddSingleton<Features.Predictions.DayWriteLock>();
        services.TryAddSingleton<Features.Models.TrainingJobs>();
        services.TryAddSingleton<Features.Models.FeatureImportanceService>();
        // A day's slate is a few hundred predictions published at once; each subscriber's buffer holds a whole day.
        services.AddNbaEvents(o => o.SubscriberBufferCapacity = 2_048);
        services.TryAddScoped<Features.Predictions.PredictionService>();
        services.TryAddScoped<Features.Availability.AvailabilityService>();
        Features.Security.SecurityModel.AddNbaSecurityStorage(services);
        services.AddNbaServing();
        return services;
    }
}

/// <summary>Creates short-lived contexts for the configured provider; interceptors registered in DI join every context.</summary>
public sealed class NbaDbContextFactory : IDbContextFactory<NbaDbContext>
{
    private readonly Func<NbaDbContext> create;

    public NbaDbContextFactory(NbaPredictSettings settings, IEnumerable<IInterceptor> interceptors)
    {
        var interceptorList = interceptors.ToArray();
        if (settings.PostgresConnectionString is { } postgres)
        {
            Provider = DatabaseProvider.Postgres;
            var options = new DbContextOptionsBuilder<PostgresNbaDbContext>()
                .UseNpgsql(postgres, npgsql => npgsql.CommandTimeout(300))
                .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
                .AddInterceptors(interceptorList)
                .Options;
            // Pooled: a context per call is the largest cost of a short read (issue #5's uncached prediction).
            var pool = new PooledDbContextFactory<PostgresNbaDbContext>(options);
            create = pool.CreateDbContext;
        }
        else
        {
            Provider = DatabaseProvider.Sqlite;
            Directory.CreateDirectory(settings.DataDirectory);
            var options = new DbContextOptionsBuilder<SqliteNbaDbContext>()
                .UseSqlite($"Data Source={settings.SqlitePath};Pooling=True", sqlite => sqlite.CommandTimeout(300))
                .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
                .AddInterceptors(interceptorList)
                .Options;
            var pool = new PooledDbContextFactory<SqliteNbaDbContext>(options);
            create = pool.CreateDbContext;
        }
    }

    public DatabaseProvider Provider { get; }

    public NbaDbContext CreateDbContext() => create();
}
