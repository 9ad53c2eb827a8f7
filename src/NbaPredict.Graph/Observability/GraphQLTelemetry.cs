using System.Diagnostics;
using System.Diagnostics.Metrics;
using GraphQL;
using GraphQL.DI;
using GraphQL.Instrumentation;
using GraphQL.Types;
using GraphQLParser.AST;
using NbaPredict.Core.Telemetry;

namespace NbaPredict.Graph.Observability;

/// <summary>
/// One span per GraphQL operation, named after it ("query TopScorers"), plus request and latency metrics per
/// operation. It wraps the executer, so HTTP and WebSocket operations are both covered; the database, resolver and
/// inference spans of the operation are its children.
/// </summary>
internal sealed class GraphQLTelemetry : IConfigureExecution
{
    public static readonly ActivitySource Source = new(NbaTelemetry.GraphQLSourceName);

    /// <summary>Operation names come from clients: longer ones are cut so the metric's tag values stay bounded.</summary>
    private const int MaxOperationNameLength = 64;

    private static readonly Counter<long> Requests = NbaTelemetry.Meter.CreateCounter<long>(
        "nbapredict.graphql.requests", "{operation}", "GraphQL operations executed, by operation name, type and outcome.");

    /// <summary>Subscriptions with a live stream on this instance (WebSocket operations between attach and end).</summary>
    public static readonly UpDownCounter<long> OpenSubscriptions = NbaTelemetry.Meter.CreateUpDownCounter<long>(
        "nbapredict.subscriptions.open", "{subscription}", "GraphQL subscriptions currently streaming on this instance.");

    private static readonly Histogram<double> Duration = NbaTelemetry.Meter.CreateHistogram<double>(
        "nbapredict.graphql.duration", "s", "Execution time of GraphQL operations, by operation name and type.", advice: NbaTelemetry.RequestSeconds);

    // Outermost: the span also covers parsing, validation and complexity analysis.
    public float SortOrder => -1_000;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        using var activity = Source.StartActivity("graphql");
        var started = Stopwatch.GetTimestamp();
        ExecutionResult? result = null;
        try
        {
            result = await next(options);
            return result;
        }
        finally
        {
            var type = result?.Operation?.Operation switch
            {
                OperationType.Mutation => "mutation",
                OperationType.Subscription => "subscription",
                OperationType.Query => "query",
                _ => "unknown",
            };
            var name = result?.Operation?.Name?.StringValue ?? options.OperationName ?? "anonymous";
            name = name.Length > MaxOperationNameLength ? name[..MaxOperationNameLength] : name;
            var outcome = result is null ? "exception" : result.Errors is { Count: > 0 } ? "error" : "ok";
            if (activity is not null)
            {
                activity.DisplayName = $"{type} {name}";
                activity.SetTag("graphql.operation.type", type);
                activity.SetTag("graphql.operation.name", name);
                if (outcome != "ok")
                {
                    activity.SetStatus(ActivityStatusCode.Error, result?.Errors?[0].Code ?? outcome);
                }
            }

            var tags = new TagList { { "operation", name }, { "type", type } };
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            tags.Add("outcome", outcome);
            Requests.Add(1, tags);
        }
    }
}

/// <summary>
/// A child span per root field ("resolve players"): the part of an operation a client asked for by name. Nested
/// fields resolve through DataLoaders, whose database spans appear under the operation span.
/// </summary>
internal sealed class RootFieldSpans : IConfigureSchema, IFieldMiddleware
{
    public void Configure(ISchema schema, IServiceProvider serviceProvider) => schema.FieldMiddleware.Use(this);

    public ValueTask<object?> ResolveAsync(IResolveFieldContext context, FieldMiddlewareDelegate next) =>
        context.Parent is null && GraphQLTelemetry.Source.HasListeners() ? ResolveTracedAsync(context, next) : next(context);

    private static async ValueTask<object?> ResolveTracedAsync(IResolveFieldContext context, FieldMiddlewareDelegate next)
    {
        using var activity = GraphQLTelemetry.Source.StartActivity("resolve " + context.FieldDefinition.Name);
        activity?.SetTag("graphql.field.name", context.FieldDefinition.Name);
        activity?.SetTag("graphql.field.path", string.Join('.', context.ResponsePath));
        return await next(context);
    }
}
