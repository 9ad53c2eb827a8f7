namespace NbaPredict.Core.Features.Security;

/// <summary>The rate-limit class of an API key or OAuth client.</summary>
public enum ApiTier
{
    Free,
    Pro,
    Enterprise,
}

/// <summary>
/// An API key (header <c>X-Api-Key</c>). Only the SHA-256 of the key is stored: the key itself is 32 random bytes,
/// so a fast hash cannot be brute-forced, and lookup by hash stays one indexed query.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The first characters of the key, shown in listings so operators can tell keys apart.</summary>
    public required string Prefix { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public required string KeyHash { get; set; }

    public ApiTier Tier { get; set; }

    /// <summary>Space-separated scopes, as in OAuth.</summary>
    public required string Scopes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>One audited event: a mutation, an authentication failure or a client/key administration action.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>Who: <c>key:&lt;id&gt;</c>, <c>client:&lt;client_id&gt;</c>, <c>user:&lt;subject&gt;</c>, <c>cli:&lt;os user&gt;</c> or <c>anonymous</c>.</summary>
    public required string Actor { get; set; }

    /// <summary>What: e.g. <c>mutation refreshPredictions</c>, <c>auth.failed</c>, <c>keys.create</c>.</summary>
    public required string Action { get; set; }

    /// <summary><c>success</c>, <c>denied</c> or <c>failed</c>.</summary>
    public required string Outcome { get; set; }

    public string? Detail { get; set; }

    public string? RequestId { get; set; }

    public string? RemoteAddress { get; set; }
}

public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Denied = "denied";
    public const string Failed = "failed";
}
