using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
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
            services.AddDbContext<NbaDbContext, PostgresNbaDbContext>((sp, o) => ConfigurePostgres(sp, o, postgres));
            services.AddDbContextFactory<PostgresNbaDbContext>((sp, o) => ConfigurePostgres(sp, o, postgres), ServiceLifetime.Scoped);
            services.TryAddScoped<IDbContextFactory<NbaDbContext>>(sp =>
                new UpcastFactory<PostgresNbaDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresNbaDbContext>>()));
            services.TryAddSingleton<IBoxScoreWriter, PostgresBoxScoreWriter>();
        }
        else
        {
            Directory.CreateDirectory(settings.DataDirectory);
            var sqlite = $"Data Source={settings.SqlitePath};Cache=Private;Pooling=True";
            services.AddDbContext<NbaDbContext, SqliteNbaDbContext>((sp, o) => ConfigureSqlite(sp, o, sqlite));
            services.AddDbContextFactory<SqliteNbaDbContext>((sp, o) => ConfigureSqlite(sp, o, sqlite), ServiceLifetime.Scoped);
            services.TryAddScoped<IDbContextFactory<NbaDbContext>>(sp =>
                new UpcastFactory<SqliteNbaDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteNbaDbContext>>()));
            services.TryAddSingleton<IBoxScoreWriter, SqliteBoxScoreWriter>();
        }

        services.TryAddScoped<BoxScoreImporter>();
        services.TryAddScoped<DatabaseInitializer>();
        services.TryAddScoped<Features.Players.PlayerService>();
        services.TryAddScoped<Features.Games.GameService>();
        services.TryAddScoped<Features.Teams.TeamService>();
        return services;
    }

    // Interceptors registered in DI (SQL command counting in tests, tracing later) join every context.
    private static void ConfigurePostgres(IServiceProvider services, DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.CommandTimeout(300))
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
            .AddInterceptors(services.GetServices<IInterceptor>());

    private static void ConfigureSqlite(IServiceProvider services, DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, sqlite => sqlite.CommandTimeout(300))
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
            .AddInterceptors(services.GetServices<IInterceptor>());

    private sealed class UpcastFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<NbaDbContext>
        where TContext : NbaDbContext
    {
        public NbaDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
