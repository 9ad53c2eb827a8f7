using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NbaPredict.Core.Data;

namespace NbaPredict.Core.Features.Security;

/// <summary>The security tables: API keys, the audit log and OpenIddict's applications, authorizations, scopes and tokens.</summary>
public static class SecurityModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ApiKey>(key =>
        {
            key.ToTable("api_keys");
            key.Property(k => k.Id).ValueGeneratedNever();
            key.Property(k => k.Name).HasMaxLength(100);
            key.Property(k => k.Prefix).HasMaxLength(16);
            key.Property(k => k.KeyHash).HasMaxLength(64);
            key.Property(k => k.Tier).HasConversion<string>().HasMaxLength(16);
            key.Property(k => k.Scopes).HasMaxLength(400);
            key.HasIndex(k => k.KeyHash).IsUnique();
            key.HasIndex(k => k.Prefix);
            key.Ignore(k => k.ScopeList);
        });

        modelBuilder.Entity<AuditEntry>(entry =>
        {
            entry.ToTable("audit_log");
            entry.Property(e => e.Actor).HasMaxLength(200);
            entry.Property(e => e.Action).HasMaxLength(200);
            entry.Property(e => e.Outcome).HasMaxLength(16);
            entry.Property(e => e.Detail).HasMaxLength(2000);
            entry.Property(e => e.RequestId).HasMaxLength(100);
            entry.Property(e => e.RemoteAddress).HasMaxLength(64);
        });

        modelBuilder.UseOpenIddict();
    }

    /// <summary>
    /// OpenIddict's core services on our <see cref="NbaDbContext"/>: enough for the API's authorization server and for
    /// the CLI's <c>clients</c> commands, which manage the same applications table.
    /// </summary>
    public static IServiceCollection AddNbaSecurityStorage(this IServiceCollection services)
    {
        services.TryAddScoped<ApiKeyService>();
        services.TryAddSingleton<AuditLog>();
        services.AddOpenIddict().AddCore(o => o.UseEntityFrameworkCore().UseDbContext<NbaDbContext>());
        services.TryAddScoped<ClientService>();
        return services;
    }
}
