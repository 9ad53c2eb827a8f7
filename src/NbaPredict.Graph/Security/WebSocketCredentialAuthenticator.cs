using System.Security.Claims;
using System.Text.Json;
using NbaPredict.Core.Features.Security;
using NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;
using OpenIddict.Abstractions;
using OpenIddict.Validation;

namespace NbaPredict.Graph.Security;

/// <summary>
/// Authenticates a socket from its <c>connection_init</c> payload (<c>{"Authorization":"Bearer …"}</c> or
/// <c>{"X-Api-Key":"…"}</c>), else from the handshake's headers. Invalid credentials close the socket with 4403;
/// none at all leave it anonymous, so every subscription on it fails validation with <c>AUTH_REQUIRED</c>.
/// A token's expiry is handed to the connection, which closes with 4403 when it passes.
/// </summary>
internal sealed class WebSocketCredentialAuthenticator(AuditLog audit) : IWebSocketAuthenticator
{
    public async ValueTask<WebSocketAuthenticationResult> AuthenticateAsync(WebSocketConnectionInit init, CancellationToken cancellationToken)
    {
        var services = init.HttpContext.RequestServices;
        if (ApiKeyOf(init.Payload) is { } key)
        {
            var principal = await ApiKeyAuthenticationHandler.AuthenticateKeyAsync(services, key, cancellationToken);
            return principal is null
                ? await FailAsync(init, "API key unknown or revoked", cancellationToken)
                : WebSocketAuthenticationResult.Success(principal);
        }

        if (init.Authorization is not null)
        {
            if (init.BearerToken is not { } token)
            {
                return await FailAsync(init, "Authorization is not a bearer token", cancellationToken);
            }

            ClaimsPrincipal principal;
            try
            {
                principal = await services.GetRequiredService<OpenIddictValidationService>().ValidateAccessTokenAsync(token, cancellationToken);
            }
            catch (Exception ex) when (ex is OpenIddictExceptions.ValidationException or OpenIddictExceptions.ProtocolException)
            {
                return await FailAsync(init, "bearer token rejected", cancellationToken);
            }

            return WebSocketAuthenticationResult.Success(principal, principal.GetExpirationDate());
        }

        var user = init.HttpContext.User;
        return WebSocketAuthenticationResult.Success(user, user.IsAuthenticated() ? user.GetExpirationDate() : null);
    }

    private static string? ApiKeyOf(JsonElement? payload)
    {
        if (payload is not { ValueKind: JsonValueKind.Object } p)
        {
            return null;
        }

        foreach (var property in p.EnumerateObject())
        {
            if (property.Name.Equals(ApiKeyAuthenticationHandler.HeaderName, StringComparison.OrdinalIgnoreCase)
                && property.Value.ValueKind == JsonValueKind.String)
            {
                return property.Value.GetString();
            }
        }

        return null;
    }

    private async Task<WebSocketAuthenticationResult> FailAsync(WebSocketConnectionInit init, string reason, CancellationToken cancellationToken)
    {
        await audit.WriteAsync("anonymous", "auth.failed", AuditOutcomes.Denied, "WebSocket connection_init: " + reason,
            init.HttpContext.TraceIdentifier, init.HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return WebSocketAuthenticationResult.Fail(reason);
    }
}
