using GraphQL;
using GraphQL.Instrumentation;
using NbaPredict.Core.Features;

namespace NbaPredict.Graph.GraphQL.Schema;

/// <summary>
/// Turns a refused request (<see cref="DomainException"/>) into a GraphQL error that keeps its message and code;
/// any other exception stays unhandled and is masked by the HTTP handler.
/// </summary>
public sealed class DomainErrorMiddleware : IFieldMiddleware
{
    public async ValueTask<object?> ResolveAsync(IResolveFieldContext context, FieldMiddlewareDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (DomainException ex)
        {
            throw new ExecutionError(ex.Message, ex) { Code = ex.Code };
        }
    }
}
