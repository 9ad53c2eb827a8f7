using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using NbaPredict.Core.Features.Security;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace NbaPredict.Graph.Security;

/// <summary>
/// The two OAuth endpoints whose answers are ours to shape: <c>/connect/token</c> (client credentials for partners,
/// authorization code + PKCE for first-party front ends) and <c>/connect/authorize</c>. OpenIddict has already
/// authenticated the client, checked its grant and scope permissions, the PKCE verifier and single use of codes.
/// </summary>
internal static class OAuthEndpoints
{
    public const string TokenPath = "/connect/token";
    public const string AuthorizePath = "/connect/authorize";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(TokenPath, ExchangeAsync).ExcludeFromDescription();
        endpoints.MapMethods(AuthorizePath, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> ExchangeAsync(HttpContext context, IOpenIddictApplicationManager applications, ClientService clients, AuditLog audit)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict request.");
        if (request.IsClientCredentialsGrantType())
        {
            var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted)
                ?? throw new InvalidOperationException("OpenIddict authenticated an unknown client.");
            var scopes = request.GetScopes();
            if (scopes.IsEmpty)
            {
                // No scope asked for: grant everything the client is permitted, which is what partners expect.
                scopes = (await clients.FindAsync(request.ClientId!, context.RequestAborted))!.Scopes.ToImmutableArray();
            }

            var identity = NewIdentity(request.ClientId!, await applications.GetDisplayNameAsync(application, context.RequestAborted) ?? request.ClientId!, scopes,
                await clients.TierOfAsync(request.ClientId!, context.RequestAborted));
            if (await clients.TokenLifetimeOfAsync(request.ClientId!, context.RequestAborted) is { } lifetime)
            {
                identity.SetAccessTokenLifetime(lifetime);
            }

            await audit.WriteAsync("client:" + request.ClientId, "token.issue", AuditOutcomes.Success, "client_credentials; scopes " + string.Join(' ', scopes),
                context.TraceIdentifier, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsAuthorizationCodeGrantType())
        {
            var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var code = result.Principal!;
            var identity = NewIdentity(code.GetClaim(Claims.Subject)!, code.GetClaim(Claims.Name) ?? "user", code.GetScopes(), ApiTier.Pro);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.UnsupportedGrantType,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "Use client_credentials or authorization_code.",
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>
    /// The authorization endpoint. There is no login page: with <c>Security:DevFrontEnd</c> (Development) the local
    /// developer is signed in as <c>developer</c>; otherwise a front end must be fronted by a real identity provider.
    /// </summary>
    private static IResult AuthorizeAsync(HttpContext context, IOptions<SecurityOptions> options)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict request.");
        if (!options.Value.DevFrontEnd || request.ClientId != ClientService.DevFrontEndClientId)
        {
            return Results.Forbid(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.AccessDenied,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "Interactive sign-in is not configured on this server.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var scopes = request.GetScopes().Intersect(Scopes.All).ToImmutableArray();
        var identity = NewIdentity("developer", "Local developer", scopes, ApiTier.Pro);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static ClaimsIdentity NewIdentity(string subject, string name, IEnumerable<string> scopes, ApiTier tier)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, subject);
        identity.SetClaim(Claims.Name, name);
        identity.SetClaim(CallerClaims.TierClaim, tier.ToString());
        identity.SetScopes(scopes);
        identity.SetResources(SecurityOptions.Audience);
        identity.SetDestinations(claim => claim.Type == Claims.Name ? [Destinations.AccessToken, Destinations.IdentityToken] : [Destinations.AccessToken]);
        return identity;
    }
}
