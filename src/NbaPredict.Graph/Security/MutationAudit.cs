using GraphQL;
using GraphQL.DI;
using GraphQLParser.AST;
using NbaPredict.Core.Features.Security;

namespace NbaPredict.Graph.Security;

/// <summary>Writes one audit row per mutation request (executed, failed or refused by validation), with who and the request id.</summary>
internal sealed class MutationAudit(AuditLog audit, IHttpContextAccessor http) : IConfigureExecution
{
    public float SortOrder => 10;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        var result = await next(options);
        var document = result.Document ?? options.Document;
        if (document is null || SelectOperation(document, options.OperationName) is not { Operation: OperationType.Mutation } operation)
        {
            return result;
        }

        var fields = string.Join(", ", operation.SelectionSet.Selections.OfType<GraphQLField>().Select(f => f.Name.StringValue));
        var errors = result.Errors ?? [];
        var outcome = errors.Any(e => e.Code is ScopeAuthorizationRule.AuthRequired or ScopeAuthorizationRule.Forbidden)
            ? AuditOutcomes.Denied
            : errors.Count > 0 || !result.Executed ? AuditOutcomes.Failed : AuditOutcomes.Success;
        var detail = errors.Count == 0 ? null : string.Join(" | ", errors.Take(3).Select(e => e.Code + ": " + e.Message));
        var context = http.HttpContext;
        await audit.WriteAsync(CallerClaims.ActorOf(options.User), "mutation " + fields, outcome, detail,
            context?.TraceIdentifier, context?.Connection.RemoteIpAddress?.ToString(), CancellationToken.None);
        return result;
    }

    private static GraphQLOperationDefinition? SelectOperation(GraphQLDocument document, string? operationName)
    {
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        return operationName is null
            ? (operations.Count == 1 ? operations[0] : null)
            : operations.FirstOrDefault(o => o.Name?.StringValue == operationName);
    }
}

/// <summary>Every GraphQL error carries <c>extensions.requestId</c>, the same id as the <c>X-Request-Id</c> header and the logs.</summary>
internal sealed class RequestIdOnErrors(IHttpContextAccessor http) : IConfigureExecution
{
    public float SortOrder => 20;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        var result = await next(options);
        if (result.Errors is { Count: > 0 } errors && http.HttpContext?.TraceIdentifier is { } requestId)
        {
            foreach (var error in errors)
            {
                error.Extensions ??= new Dictionary<string, object?>();
                error.Extensions.TryAdd("requestId", requestId);
            }
        }

        return result;
    }
}
