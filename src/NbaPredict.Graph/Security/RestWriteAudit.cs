using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Security;

namespace NbaPredict.Graph.Security;

/// <summary>
/// Writes one audit row per REST request that changes something (any method but GET and HEAD), as
/// <see cref="MutationAudit"/> does for GraphQL mutations: who, the method and route, and whether it succeeded.
/// </summary>
internal sealed class RestWriteAudit(AuditLog audit) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        {
            return await next(context);
        }

        var action = $"rest {http.Request.Method} {http.Request.Path}";
        try
        {
            var result = await next(context);
            await WriteAsync(http, action, AuditOutcomes.Success, null);
            return result;
        }
        catch (Exception ex)
        {
            await WriteAsync(http, action, AuditOutcomes.Failed, ex is DomainException domain ? $"{domain.Code}: {domain.Message}" : "failed: " + ex.GetType().Name);
            throw;
        }
    }

    private Task WriteAsync(HttpContext http, string action, string outcome, string? detail) =>
        audit.WriteAsync(CallerClaims.ActorOf(http.User), action, outcome, detail, http.TraceIdentifier, http.Connection.RemoteIpAddress?.ToString(), CancellationToken.None);
}
