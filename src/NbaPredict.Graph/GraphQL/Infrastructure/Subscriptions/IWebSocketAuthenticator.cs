using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;

/// <summary>
/// Decides whether a socket's <c>connection_init</c> is acknowledged. Register one in DI to replace the default,
/// which accepts everyone with the handshake request's <see cref="HttpContext.User"/>. A failure closes the socket with 4403.
/// </summary>
public interface IWebSocketAuthenticator
{
    ValueTask<WebSocketAuthenticationResult> AuthenticateAsync(WebSocketConnectionInit init, CancellationToken cancellationToken);
}

/// <summary>What the client sent in <c>connection_init</c>, with the HTTP handshake it came through.</summary>
public sealed class WebSocketConnectionInit
{
    internal WebSocketConnectionInit(HttpContext httpContext, JsonElement? payload)
    {
        HttpContext = httpContext;
        Payload = payload;
        if (payload is { ValueKind: JsonValueKind.Object } p)
        {
            foreach (var property in p.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String
                    && property.Name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
                {
                    Authorization = property.Value.GetString();
                    break;
                }
            }
        }
    }

    /// <summary>The WebSocket handshake request (headers, query string, <see cref="HttpContext.User"/>).</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The <c>payload</c> of <c>connection_init</c> (an object), or <see langword="null"/> when absent or null.</summary>
    public JsonElement? Payload { get; }

    /// <summary>The payload's <c>Authorization</c> string (any letter case), e.g. <c>Bearer abc</c>.</summary>
    public string? Authorization { get; }

    /// <summary>The token of a <c>Bearer</c> <see cref="Authorization"/>, else <see langword="null"/>.</summary>
    public string? BearerToken =>
        Authorization is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? value["Bearer ".Length..].Trim() is { Length: > 0 } token ? token : null
            : null;
}

/// <summary>Outcome of <see cref="IWebSocketAuthenticator.AuthenticateAsync"/>.</summary>
public sealed class WebSocketAuthenticationResult
{
    private WebSocketAuthenticationResult(ClaimsPrincipal? principal, string? failure)
    {
        Principal = principal;
        FailureReason = failure;
    }

    public bool Succeeded => Principal is not null;

    /// <summary>The user every operation of the connection runs as (<c>ExecutionOptions.User</c>).</summary>
    public ClaimsPrincipal? Principal { get; }

    /// <summary>Logged on failure; the client only sees <c>4403: Forbidden</c>.</summary>
    public string? FailureReason { get; }

    /// <summary>When the credential stops being valid: the connection is closed with 4403 at that moment.</summary>
    public DateTimeOffset? ExpiresAt { get; private init; }

    public static WebSocketAuthenticationResult Success(ClaimsPrincipal principal, DateTimeOffset? expiresAt = null)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new(principal, null) { ExpiresAt = expiresAt };
    }

    public static WebSocketAuthenticationResult Fail(string? reason = null) => new(null, reason ?? "Forbidden");
}

/// <summary>The default: every <c>connection_init</c> is acknowledged, as the handshake's user.</summary>
internal sealed class AllowAllWebSocketAuthenticator : IWebSocketAuthenticator
{
    public ValueTask<WebSocketAuthenticationResult> AuthenticateAsync(WebSocketConnectionInit init, CancellationToken cancellationToken) =>
        ValueTask.FromResult(WebSocketAuthenticationResult.Success(init.HttpContext.User));
}
