using System.Security.Claims;
using NbaPredict.Core.Features.Security;
using OpenIddict.Abstractions;

namespace NbaPredict.Graph.Security;

/// <summary>Reads who a caller is, what scopes they hold and their rate-limit tier, whatever credential they used.</summary>
public static class CallerClaims
{
    public const string TierClaim = "nbapredict_tier";
    public const string ActorClaim = "nbapredict_actor";

    public static bool IsAuthenticated(this ClaimsPrincipal? user) => user?.Identity?.IsAuthenticated == true;

    /// <summary>Scopes from OpenIddict's <c>oi_scp</c> claims, from a space-separated <c>scope</c> claim, or from an API key.</summary>
    public static IReadOnlySet<string> ScopesOf(ClaimsPrincipal? user)
    {
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        if (!user.IsAuthenticated())
        {
            return scopes;
        }

        foreach (var claim in user!.Claims)
        {
            if (claim.Type == OpenIddictConstants.Claims.Private.Scope)
            {
                scopes.Add(claim.Value);
            }
            else if (claim.Type == OpenIddictConstants.Claims.Scope)
            {
                scopes.UnionWith(claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return scopes;
    }

    /// <summary>For the audit log: <c>key:…</c>, <c>client:…</c>, <c>user:…</c> or <c>anonymous</c>.</summary>
    public static string ActorOf(ClaimsPrincipal? user)
    {
        if (!user.IsAuthenticated())
        {
            return "anonymous";
        }

        if (user!.FindFirst(ActorClaim)?.Value is { } actor)
        {
            return actor;
        }

        var subject = user.FindFirst(OpenIddictConstants.Claims.Subject)?.Value ?? "unknown";
        var client = user.FindFirst(OpenIddictConstants.Claims.Private.Presenter)?.Value
            ?? user.FindFirst(OpenIddictConstants.Claims.ClientId)?.Value;
        return client is not null && client == subject ? "client:" + client : "user:" + subject + (client is null ? string.Empty : " via " + client);
    }

    public static ApiTier? TierOf(ClaimsPrincipal? user)
    {
        if (!user.IsAuthenticated())
        {
            return null;
        }

        return Enum.TryParse<ApiTier>(user!.FindFirst(TierClaim)?.Value, out var tier) ? tier : ApiTier.Pro;
    }

    /// <summary>The rate-limit partition: the key, the client or the user; anonymous callers by IP address.</summary>
    public static string PartitionOf(ClaimsPrincipal? user, string? remoteAddress) =>
        user.IsAuthenticated() ? ActorOf(user) : "ip:" + (remoteAddress ?? "unknown");
}
