using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using NbaPredict.Core.Features.Security;
using OpenIddict.Abstractions;

namespace NbaPredict.Graph.Security;

/// <summary>Authenticates <c>X-Api-Key</c>: a known, unrevoked key becomes a principal with the key's scopes and tier.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return AuthenticateResult.NoResult();
        }

        var principal = await AuthenticateKeyAsync(Context.RequestServices, values.ToString(), Context.RequestAborted);
        return principal is null
            ? AuthenticateResult.Fail("The API key is unknown or revoked.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>Shared with the WebSocket authenticator, which reads the key from <c>connection_init</c>.</summary>
    public static async Task<ClaimsPrincipal?> AuthenticateKeyAsync(IServiceProvider services, string secret, CancellationToken cancellationToken)
    {
        var key = await services.GetRequiredService<ApiKeyService>().AuthenticateAsync(secret.Trim(), cancellationToken);
        if (key is null)
        {
            return null;
        }

        var identity = new ClaimsIdentity(SchemeName, OpenIddictConstants.Claims.Name, OpenIddictConstants.Claims.Role);
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Subject, "key:" + key.Id));
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Name, key.Name));
        identity.AddClaim(new Claim(CallerClaims.ActorClaim, $"key:{key.Prefix} ({key.Name})"));
        identity.AddClaim(new Claim(CallerClaims.TierClaim, key.Tier.ToString()));
        foreach (var scope in key.ScopeList)
        {
            identity.AddClaim(new Claim(OpenIddictConstants.Claims.Private.Scope, scope));
        }

        return new ClaimsPrincipal(identity);
    }
}
