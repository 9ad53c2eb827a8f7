using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;

namespace NbaPredict.Core.Features.Security;

/// <summary>A key as created: the entity plus the secret, which is shown once and never stored.</summary>
public sealed record CreatedApiKey(ApiKey Key, string Secret);

/// <summary>Creates, lists, revokes and authenticates API keys.</summary>
public sealed class ApiKeyService(NbaDbContext db, TimeProvider clock)
{
    public const string SecretPrefix = "nbp_";

    /// <summary>Last-used times are written at most this often per key, so a busy key does not write on every request.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<CreatedApiKey> CreateAsync(string name, ApiTier tier, IEnumerable<string> scopes, IReadOnlyCollection<string> knownScopes, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw new DomainException("INVALID_NAME", "a key needs a name of 1 to 100 characters");
        }

        var scopeList = NormalizeScopes(scopes, knownScopes);
        var secret = SecretPrefix + NewSecret();
        var key = new ApiKey
        {
            Id = Guid.NewGuid(),
            Name = name.Trim(),
            Prefix = secret[..12],
            KeyHash = Hash(secret),
            Tier = tier,
            Scopes = string.Join(' ', scopeList),
            CreatedAt = clock.GetUtcNow(),
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKey(key, secret);
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default) =>
        (await db.ApiKeys.AsNoTracking().ToListAsync(cancellationToken)).OrderBy(k => k.CreatedAt).ToList();

    /// <summary>Revokes the key whose id or prefix is <paramref name="idOrPrefix"/>; false when none matches.</summary>
    public async Task<ApiKey?> RevokeAsync(string idOrPrefix, CancellationToken cancellationToken = default)
    {
        var key = Guid.TryParse(idOrPrefix, out var id)
            ? await db.ApiKeys.AsTracking().SingleOrDefaultAsync(k => k.Id == id, cancellationToken)
            : await db.ApiKeys.AsTracking().SingleOrDefaultAsync(k => k.Prefix == idOrPrefix, cancellationToken);
        if (key is null)
        {
            return null;
        }

        key.RevokedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    /// <summary>The active key matching <paramref name="secret"/>, or null; refreshes its last-used time.</summary>
    public async Task<ApiKey?> AuthenticateAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 200 || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = Hash(secret);
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.KeyHash == hash, cancellationToken);
        if (key is null || key.RevokedAt is not null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (key.LastUsedAt is null || now - key.LastUsedAt.Value >= LastUsedResolution)
        {
            key.LastUsedAt = now;
            await db.ApiKeys.Where(k => k.Id == key.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        }

        return key;
    }

    public static IReadOnlyList<string> NormalizeScopes(IEnumerable<string> scopes, IReadOnlyCollection<string> knownScopes)
    {
        var list = scopes.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            throw new DomainException("INVALID_SCOPE", "give at least one scope, e.g. --scopes \"players.read predictions.read\"");
        }

        var unknown = list.Where(s => !knownScopes.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            throw new DomainException("INVALID_SCOPE", $"unknown scope(s): {string.Join(' ', unknown)}; known: {string.Join(' ', knownScopes)}");
        }

        return list;
    }

    public static ApiTier ParseTier(string? tier) => tier?.Trim().ToLowerInvariant() switch
    {
        null or "" or "free" => ApiTier.Free,
        "pro" => ApiTier.Pro,
        "enterprise" => ApiTier.Enterprise,
        _ => throw new DomainException("INVALID_TIER", $"unknown tier '{tier}'; use free, pro or enterprise"),
    };

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>256 random bits, base64url: unguessable, so a plain SHA-256 is enough to store it.</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
