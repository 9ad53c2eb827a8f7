using System.Globalization;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQLParser.AST;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace NbaPredict.Graph.GraphQL.Infrastructure;

/// <summary>
/// Serves GraphQL over HTTP (GET and POST) per the GraphQL-over-HTTP spec, executing with the
/// <see cref="ISchema"/>, <see cref="IDocumentExecuter"/> and <see cref="IGraphQLTextSerializer"/> of the request's services.
/// </summary>
internal sealed class GraphQLHttpHandler
{
    private const string InternalErrorCode = "INTERNAL_SERVER_ERROR";
    private const string LoggerCategory = "NbaPredict.Graph.GraphQL.Infrastructure.GraphQLHttpHandler";

    private readonly GraphQLHttpOptions _options;

    public GraphQLHttpHandler(GraphQLHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>
    /// Handles one request. A browser navigation (see <see cref="GraphQLMediaTypes.IsHtmlPageRequest"/>) goes to
    /// <paramref name="htmlFallback"/> if given (middleware: the next component), else to
    /// <see cref="GraphQLHttpOptions.HtmlPageHandler"/>, else gets 404.
    /// </summary>
    public async Task HandleAsync(HttpContext context, RequestDelegate? htmlFallback)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (GraphQLMediaTypes.IsHtmlPageRequest(context.Request))
        {
            var html = htmlFallback ?? _options.HtmlPageHandler;
            if (html is not null)
            {
                await html(context);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }

            return;
        }

        var mediaType = GraphQLResponseMediaType.Json;
        try
        {
            await HandleGraphQLAsync(context, mediaTypeFound => mediaType = mediaTypeFound);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is listening for an answer.
        }
        catch (Exception ex)
        {
            Logger(context).LogError(ex, "GraphQL request {RequestId} failed unexpectedly.", context.TraceIdentifier);
            if (!context.Response.HasStarted)
            {
                var error = InternalError(context.TraceIdentifier);
                await WriteAsync(context, new ExecutionResult(error), StatusCodes.Status500InternalServerError, mediaType);
            }
        }
    }

    private async Task HandleGraphQLAsync(HttpContext context, Action<GraphQLResponseMediaType> reportMediaType)
    {
        var request = context.Request;
        var isGet = HttpMethods.IsGet(request.Method);
        if (!isGet && !HttpMethods.IsPost(request.Method))
        {
            await WriteProblemAsync(
                context,
                new GraphQLHttpProblem(StatusCodes.Status405MethodNotAllowed, "METHOD_NOT_ALLOWED",
                    $"HTTP method {request.Method} is not supported; use GET or POST.") { Allow = "GET, POST" },
                GraphQLResponseMediaType.Json);
            return;
        }

        if (GraphQLMediaTypes.Negotiate(request) is not { } mediaType)
        {
            await WriteProblemAsync(
                context,
                new GraphQLHttpProblem(StatusCodes.Status406NotAcceptable, "NOT_ACCEPTABLE",
                    $"None of the media types in the Accept header can be produced; accept {GraphQLMediaTypes.GraphQLResponseJson} or {GraphQLMediaTypes.Json}."),
                GraphQLResponseMediaType.Json);
            return;
        }

        reportMediaType(mediaType);
        var services = context.RequestServices;
        var serializer = services.GetRequiredService<IGraphQLTextSerializer>();
        var (graphQLRequest, problem) = isGet
            ? GraphQLHttpRequestReader.ReadGet(request, _options, serializer)
            : await GraphQLHttpRequestReader.ReadPostAsync(request, _options, serializer, context.RequestAborted);
        if (problem is not null || graphQLRequest is null)
        {
            await WriteProblemAsync(context, problem ?? GraphQLHttpRequestReader.BadRequest("INVALID_REQUEST", "The request could not be read."), mediaType);
            return;
        }

        if (services.GetService<PersistedQueryStore>() is { } persisted)
        {
            (graphQLRequest, problem) = persisted.Resolve(graphQLRequest!);
            if (problem is not null || graphQLRequest is null)
            {
                await WriteProblemAsync(context, problem!, mediaType);
                return;
            }
        }

        GraphQLDocument? document = null;
        if (isGet && _options.GetAllowsOnlyQueries)
        {
            try
            {
                document = Parse(services, graphQLRequest.Query);
            }
            catch (ExecutionError syntaxError)
            {
                await WriteResultAsync(context, new ExecutionResult(syntaxError), mediaType);
                return;
            }

            if (SelectOperation(document, graphQLRequest.OperationName) is { Operation: not OperationType.Query } operation)
            {
                await WriteProblemAsync(
                    context,
                    new GraphQLHttpProblem(StatusCodes.Status405MethodNotAllowed, "METHOD_NOT_ALLOWED",
                        $"{operation.Operation} operations cannot be executed over GET; use POST.") { Allow = "POST" },
                    mediaType);
                return;
            }
        }

        var result = await ExecuteAsync(context, graphQLRequest, document);
        if (result is not null)
        {
            await WriteResultAsync(context, result, mediaType);
        }
    }

    private async Task<ExecutionResult?> ExecuteAsync(HttpContext context, GraphQLHttpRequest request, GraphQLDocument? document)
    {
        var services = context.RequestServices;
        var executer = services.GetRequiredService<IDocumentExecuter>();
        using var execution = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var options = new ExecutionOptions
        {
            Schema = services.GetRequiredService<ISchema>(),
            Query = request.Query,
            Document = document,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = services,
            User = context.User,
            CancellationToken = execution.Token,
        };
        _options.ConfigureExecution?.Invoke(options, context);

        var timeout = _options.ExecutionTimeout;
        if (timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            execution.CancelAfter(timeout);
        }

        ExecutionResult result;
        try
        {
            result = await executer.ExecuteAsync(options);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is TimeoutException
            || (ex is OperationCanceledException && execution.IsCancellationRequested))
        {
            var seconds = timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            return new ExecutionResult(new TimeoutError($"Execution timed out after {seconds} s."));
        }

        if (_options.MaskUnhandledExceptions && result.Errors is { Count: > 0 } errors)
        {
            result.Errors = Mask(context, errors);
        }

        return result;
    }

    private static GraphQLDocument Parse(IServiceProvider services, string query)
    {
        var cache = services.GetService<ParsedDocumentCache>();
        return cache is not null ? cache.GetOrParse(query) : services.GetRequiredService<IDocumentBuilder>().Build(query);
    }

    /// <summary>The operation the executer would run, or null when that is an error it will report itself.</summary>
    private static GraphQLOperationDefinition? SelectOperation(GraphQLDocument document, string? operationName)
    {
        GraphQLOperationDefinition? selected = null;
        foreach (var definition in document.Definitions)
        {
            if (definition is not GraphQLOperationDefinition operation)
            {
                continue;
            }

            if (operationName is null)
            {
                if (selected is not null)
                {
                    return null; // several operations and no name: the executer reports it
                }

                selected = operation;
            }
            else if (operation.Name is not null && operation.Name.StringValue == operationName)
            {
                return operation;
            }
        }

        return selected;
    }

    private static ExecutionErrors Mask(HttpContext context, ExecutionErrors errors)
    {
        var masked = new ExecutionErrors();
        foreach (var error in errors)
        {
            if (error is not UnhandledError)
            {
                masked.Add(error);
                continue;
            }

            Logger(context).LogError(
                error.InnerException ?? error,
                "Unhandled exception in GraphQL request {RequestId} at {Path}.",
                context.TraceIdentifier,
                error.Path is null ? "(document)" : string.Join('.', error.Path));
            var replacement = InternalError(context.TraceIdentifier);
            replacement.Path = error.Path;
            foreach (var location in error.Locations ?? [])
            {
                replacement.AddLocation(location);
            }

            masked.Add(replacement);
        }

        return masked;
    }

    private static ExecutionError InternalError(string requestId) =>
        new("An unexpected error occurred while processing the request.")
        {
            Code = InternalErrorCode,
            Extensions = new Dictionary<string, object?> { ["requestId"] = requestId },
        };

    private static int StatusCodeOf(ExecutionResult result, GraphQLResponseMediaType mediaType)
    {
        if (result.Executed)
        {
            return StatusCodes.Status200OK;
        }

        var errors = result.Errors ?? [];
        if (errors.Any(e => e.Code == InternalErrorCode || e is UnhandledError))
        {
            return StatusCodes.Status500InternalServerError;
        }

        if (mediaType == GraphQLResponseMediaType.Json)
        {
            return StatusCodes.Status200OK;
        }

        return errors.Any(e => e is TimeoutError)
            ? StatusCodes.Status504GatewayTimeout
            : StatusCodes.Status400BadRequest;
    }

    private static Task WriteResultAsync(HttpContext context, ExecutionResult result, GraphQLResponseMediaType mediaType) =>
        WriteAsync(context, result, StatusCodeOf(result, mediaType), mediaType);

    private static Task WriteProblemAsync(HttpContext context, GraphQLHttpProblem problem, GraphQLResponseMediaType mediaType)
    {
        if (problem.Allow is not null)
        {
            context.Response.Headers.Allow = problem.Allow;
        }

        var error = new ExecutionError(problem.Message) { Code = problem.Code };
        return WriteAsync(context, new ExecutionResult(error), problem.StatusCode, mediaType);
    }

    private static async Task WriteAsync(HttpContext context, ExecutionResult result, int statusCode, GraphQLResponseMediaType mediaType)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = GraphQLMediaTypes.ContentTypeOf(mediaType);
        response.Headers.Append(HeaderNames.Vary, HeaderNames.Accept);
        var serializer = context.RequestServices.GetRequiredService<IGraphQLTextSerializer>();
        await serializer.WriteAsync(response.Body, result, context.RequestAborted);
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(LoggerCategory)
        ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
}
