using NbaPredict.Core.Features.Security;

namespace NbaPredict.Graph.Security;

/// <summary>The <c>Security</c> configuration section (see README, "Security").</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>The <c>aud</c> every access token carries and every resource server checks.</summary>
    public const string Audience = "nbapredict-api";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Largest request body of any endpoint; larger bodies get 413. GraphQL has its own, smaller limit.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Origins allowed to call the API from a browser; none by default (same origin only).</summary>
    public string[] CorsOrigins { get; set; } = [];

    public RateLimitSettings RateLimits { get; set; } = new();

    /// <summary>Signing keys (PEM, RSA or EC private keys) for production; the first signs, all verify.</summary>
    public string[] SigningKeys { get; set; } = [];

    /// <summary>Base64 of a 256-bit key that encrypts authorization codes in production.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>Registers the public PKCE client <c>nbapredict-dev-frontend</c> and signs its users in without a login page. Development only.</summary>
    public bool DevFrontEnd { get; set; }

    public string[] DevFrontEndRedirectUris { get; set; } = ["http://localhost:5080/", "http://localhost:5173/callback"];
}

/// <summary>Token bucket per caller: <see cref="Burst"/> requests at once, refilled at <see cref="PerMinute"/>.</summary>
public sealed class TierLimit
{
    public double PerMinute { get; set; }

    public double Burst { get; set; }
}

public sealed class RateLimitSettings
{
    public TierLimit Anonymous { get; set; } = new() { PerMinute = 60, Burst = 30 };

    public TierLimit Free { get; set; } = new() { PerMinute = 120, Burst = 60 };

    public TierLimit Pro { get; set; } = new() { PerMinute = 1_200, Burst = 300 };

    public TierLimit Enterprise { get; set; } = new() { PerMinute = 12_000, Burst = 2_000 };

    public TierLimit For(ApiTier? tier) => tier switch
    {
        null => Anonymous,
        ApiTier.Free => Free,
        ApiTier.Pro => Pro,
        _ => Enterprise,
    };
}
