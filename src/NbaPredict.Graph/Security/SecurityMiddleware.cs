using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using NbaPredict.Core.Features.Security;

namespace NbaPredict.Graph.Security;

/// <summary>
/// The request gate, after authentication: security headers and request id on every answer, the body limit,
/// 401 for credentials that were sent but are not valid, the per-caller rate limit, and the scope a REST endpoint's
/// <see cref="RequiredScope"/> metadata asks for.
/// </summary>
internal sealed class SecurityMiddleware(RequestDelegate next, IOptions<SecurityOptions> options, IRateLimitStore limits, AuditLog audit)
{
    public const string RequestIdHeader = "X-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var settings = options.Value;
        if (context.Request.ContentLength > settings.MaxRequestBodyBytes)
        {
            await WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                string.Create(CultureInfo.InvariantCulture, $"The request body exceeds the limit of {settings.MaxRequestBodyBytes} bytes."));
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = settings.MaxRequestBodyBytes;
        }

        var isApi = IsApiPath(context.Request.Path);
        if (isApi && HasCredentials(context.Request) && !context.User.IsAuthenticated())
        {
            await audit.WriteAsync("anonymous", "auth.failed", AuditOutcomes.Denied,
                $"{context.Request.Method} {context.Request.Path}: {CredentialKind(context.Request)} rejected", context.TraceIdentifier,
                context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Invalid credentials",
                "The bearer token or API key is invalid, expired, revoked or meant for another audience.", "UNAUTHENTICATED");
            return;
        }

        if (isApi && !await TakeAsync(context, limits, settings.RateLimits.For(CallerClaims.TierOf(context.User)),
                CallerClaims.PartitionOf(context.User, context.Connection.RemoteIpAddress?.ToString())))
        {
            return;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>() is { } required
            && !CallerClaims.ScopesOf(context.User).Contains(required.Scope))
        {
            var anonymous = !context.User.IsAuthenticated();
            await audit.WriteAsync(CallerClaims.ActorOf(context.User), "rest.denied", AuditOutcomes.Denied,
                $"{context.Request.Method} {context.Request.Path} needs {required.Scope}", context.TraceIdentifier,
                context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
            if (anonymous)
            {
                context.Response.Headers.WWWAuthenticate = $"Bearer scope=\"{required.Scope}\"";
            }

            await WriteProblemAsync(
                context,
                anonymous ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden,
                anonymous ? "Authentication required" : "Insufficient scope",
                $"This endpoint needs the '{required.Scope}' scope.",
                anonymous ? ScopeAuthorizationRule.AuthRequired : ScopeAuthorizationRule.Forbidden);
            return;
        }

        await next(context);
    }

    /// <summary>
    /// Runs before authentication, because OpenIddict answers the OAuth endpoints there: token and authorize
    /// requests are limited per IP address at the anonymous rate, which bounds client-secret guessing.
    /// </summary>
    internal static async Task LimitOAuthEndpointsAsync(HttpContext context, Func<Task> next)
    {
        if (context.Request.Path.StartsWithSegments("/connect", StringComparison.OrdinalIgnoreCase))
        {
            var services = context.RequestServices;
            var limit = services.GetRequiredService<IOptions<SecurityOptions>>().Value.RateLimits.Anonymous;
            if (!await TakeAsync(context, services.GetRequiredService<IRateLimitStore>(), limit,
                    "oauth-ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown")))
            {
                return;
            }
        }

        await next();
    }

    /// <summary>Takes a token from the caller's bucket, or answers 429 with <c>Retry-After</c> and returns false.</summary>
    private static async Task<bool> TakeAsync(HttpContext context, IRateLimitStore limits, TierLimit limit, string partition)
    {
        var decision = await limits.TakeAsync(partition, limit, context.RequestAborted);
        if (decision.Allowed)
        {
            return true;
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await WriteProblemAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
            string.Create(CultureInfo.InvariantCulture, $"The rate limit of this caller is exhausted; retry after {seconds} s."), "RATE_LIMITED");
        return false;
    }

    internal static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/graphql", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    internal static bool HasCredentials(HttpRequest request) =>
        request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
        || request.Headers.Authorization.ToString().StartsWith("Bearer", StringComparison.OrdinalIgnoreCase);

    private static string CredentialKind(HttpRequest request) =>
        request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName) ? "API key" : "bearer token";

    /// <summary>Runs first, so every answer (OpenIddict's, the exception handler's) carries them.</summary>
    internal static Task AddHeadersAsync(HttpContext context, Func<Task> next)
    {
        AddHeaders(context);
        return next();
    }

    private static void AddHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers[RequestIdHeader] = context.TraceIdentifier;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        headers.ContentSecurityPolicy = "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = "max-age=31536000";
        }
    }

    /// <summary>An RFC 9457 problem details answer carrying the request id (and a machine-readable code).</summary>
    internal static Task WriteProblemAsync(HttpContext context, int status, string title, string detail, string? code = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = context.Request.Path };
        problem.Extensions["requestId"] = context.TraceIdentifier;
        if (code is not null)
        {
            problem.Extensions["code"] = code;
        }

        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }
}
