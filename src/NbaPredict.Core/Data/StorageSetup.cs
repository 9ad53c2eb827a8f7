using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NbaPredict.Core.Import;

namespace NbaPredict.Core.Data;

public static class StorageSetup
{
    /// <summary>Registers the database (PostgreSQL when configured, else SQLite under the data directory) and the importer.</summary>
    public static IServiceCollection AddNbaStorage(this IServiceCollection services, NbaPredictSettings settings)
    {
        services.TryAddSingleton(settings);
        if (settings.PostgresConnectionString is { } postgres)
        {
            services.AddDbContext<NbaDbContext, PostgresNbaDbContext>(o => ConfigurePostgres(o, postgres));
            services.AddDbContextFactory<PostgresNbaDbContext>(o => ConfigurePostgres(o, postgres), ServiceLifetime.Scoped);
            services.TryAddScoped<IDbContextFactory<NbaDbContext>>(sp =>
                new UpcastFactory<PostgresNbaDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresNbaDbContext>>()));
            services.TryAddSingleton<IBoxScoreWriter, PostgresBoxScoreWriter>();
        }
        else
        {
            Directory.CreateDirectory(settings.DataDirectory);
            var sqlite = $"Data Source={settings.SqlitePath};Cache=Private;Pooling=True";
            services.AddDbContext<NbaDbContext, SqliteNbaDbContext>(o => ConfigureSqlite(o, sqlite));
            services.AddDbContextFactory<SqliteNbaDbContext>(o => ConfigureSqlite(o, sqlite), ServiceLifetime.Scoped);
            services.TryAddScoped<IDbContextFactory<NbaDbContext>>(sp =>
                new UpcastFactory<SqliteNbaDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteNbaDbContext>>()));
            services.TryAddSingleton<IBoxScoreWriter, SqliteBoxScoreWriter>();
        }

        services.TryAddScoped<BoxScoreImporter>();
        services.TryAddScoped<DatabaseInitializer>();
        return services;
    }

    private static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.CommandTimeout(300))
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);

    private static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, sqlite => sqlite.CommandTimeout(300))
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);

    private sealed class UpcastFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<NbaDbContext>
        where TContext : NbaDbContext
    {
        public NbaDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
