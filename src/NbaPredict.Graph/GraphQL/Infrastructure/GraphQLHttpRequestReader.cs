using System.Buffers;
using System.Globalization;
using System.Text.Json;
using GraphQL;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace NbaPredict.Graph.GraphQL.Infrastructure;

/// <summary>A GraphQL request read from HTTP: the four members of the spec's request parameters.</summary>
internal sealed record GraphQLHttpRequest(string Query, string? OperationName, Inputs? Variables, Inputs? Extensions);

/// <summary>An HTTP-level rejection: status code, <c>extensions.code</c> and a message naming the problem.</summary>
internal sealed record GraphQLHttpProblem(int StatusCode, string Code, string Message)
{
    public string? Allow { get; init; }
}

/// <summary>Reads and checks GraphQL requests from GET query strings and POST JSON bodies.</summary>
internal static class GraphQLHttpRequestReader
{
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64 };

    public static async Task<(GraphQLHttpRequest? Request, GraphQLHttpProblem? Problem)> ReadPostAsync(
        HttpRequest request, GraphQLHttpOptions options, IGraphQLSerializer serializer, CancellationToken cancellationToken)
    {
        var contentTypeProblem = CheckContentType(request.ContentType);
        if (contentTypeProblem is not null)
        {
            return (null, contentTypeProblem);
        }

        if (request.ContentLength > options.MaxRequestBodyBytes)
        {
            return (null, BodyTooLarge(options));
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(8192), cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > options.MaxRequestBodyBytes)
            {
                return (null, BodyTooLarge(options));
            }
        }

        var body = buffer.WrittenMemory;
        if (body.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }

        if (body.Span.Trim((ReadOnlySpan<byte>)[(byte)' ', (byte)'\t', (byte)'\r', (byte)'\n']).IsEmpty)
        {
            return (null, BadRequest("EMPTY_BODY", "The request body is empty; POST a JSON object such as {\"query\":\"{ __typename }\"}."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, JsonOptions);
        }
        catch (JsonException ex)
        {
            return (null, InvalidJson("The request body", ex));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, BadRequest(
                    "INVALID_REQUEST",
                    $"The request body must be a JSON object, not {KindName(root.ValueKind)} (batched requests are not supported)."));
            }

            var query = ReadOptionalString(root, "query", out var problem);
            if (problem is not null)
            {
                return (null, problem);
            }

            var operationName = ReadOptionalString(root, "operationName", out problem);
            if (problem is not null)
            {
                return (null, problem);
            }

            var variables = ReadOptionalObject(root, "variables", serializer, out problem);
            if (problem is not null)
            {
                return (null, problem);
            }

            var extensions = ReadOptionalObject(root, "extensions", serializer, out problem);
            if (problem is not null)
            {
                return (null, problem);
            }

            return Complete(query, operationName, variables, extensions, options);
        }
    }

    public static (GraphQLHttpRequest? Request, GraphQLHttpProblem? Problem) ReadGet(
        HttpRequest request, GraphQLHttpOptions options, IGraphQLSerializer serializer)
    {
        foreach (var name in (ReadOnlySpan<string>)["query", "operationName", "variables", "extensions"])
        {
            if (request.Query[name].Count > 1)
            {
                return (null, BadRequest("INVALID_REQUEST", $"The '{name}' query parameter must be given at most once."));
            }
        }

        var query = (string?)request.Query["query"];
        var operationName = (string?)request.Query["operationName"];
        if (string.IsNullOrEmpty(operationName))
        {
            operationName = null;
        }

        var variables = ReadJsonParameter(request, "variables", serializer, out var problem);
        if (problem is not null)
        {
            return (null, problem);
        }

        var extensions = ReadJsonParameter(request, "extensions", serializer, out problem);
        if (problem is not null)
        {
            return (null, problem);
        }

        return Complete(query, operationName, variables, extensions, options);
    }

    public static GraphQLHttpProblem BadRequest(string code, string message) =>
        new(StatusCodes.Status400BadRequest, code, message);

    private static (GraphQLHttpRequest?, GraphQLHttpProblem?) Complete(
        string? query, string? operationName, Inputs? variables, Inputs? extensions, GraphQLHttpOptions options)
    {
        if (string.IsNullOrWhiteSpace(query) && PersistedQueryStore.HasPersistedQueryExtension(extensions))
        {
            // Only a hash was sent: the handler looks the document up (automatic persisted queries).
            return (new GraphQLHttpRequest(string.Empty, operationName, variables, extensions), null);
        }

        if (string.IsNullOrWhiteSpace(query))
        {
            return (null, BadRequest(
                "MISSING_QUERY",
                "The request has no 'query'. Send a GraphQL document in 'query' (JSON body member for POST, query parameter for GET)."));
        }

        if (query.Length > options.MaxQueryLength)
        {
            return (null, BadRequest(
                "QUERY_TOO_LONG",
                string.Create(CultureInfo.InvariantCulture, $"The 'query' is {query.Length} characters long; the limit is {options.MaxQueryLength}.")));
        }

        return (new GraphQLHttpRequest(query, operationName, variables, extensions), null);
    }

    private static GraphQLHttpProblem? CheckContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return new(StatusCodes.Status415UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                "The POST request has no Content-Type header; use 'Content-Type: application/json'.");
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals(GraphQLMediaTypes.Json, StringComparison.OrdinalIgnoreCase))
        {
            return new(StatusCodes.Status415UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                $"Content-Type '{Truncate(contentType)}' is not supported; use 'Content-Type: application/json'.");
        }

        if (mediaType.Charset.HasValue
            && !mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !mediaType.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return new(StatusCodes.Status415UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                $"Charset '{Truncate(mediaType.Charset.Value ?? string.Empty)}' is not supported; the body must be UTF-8.");
        }

        return null;
    }

    private static GraphQLHttpProblem BodyTooLarge(GraphQLHttpOptions options) =>
        new(StatusCodes.Status413PayloadTooLarge, "REQUEST_TOO_LARGE",
            string.Create(CultureInfo.InvariantCulture, $"The request body exceeds the limit of {options.MaxRequestBodyBytes} bytes."));

    private static GraphQLHttpProblem InvalidJson(string what, JsonException ex)
    {
        var where = ex.LineNumber is { } line && ex.BytePositionInLine is { } column
            ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, byte {column + 1})")
            : string.Empty;
        return BadRequest("INVALID_JSON", $"{what} is not valid JSON{where}.");
    }

    private static string? ReadOptionalString(JsonElement root, string name, out GraphQLHttpProblem? problem)
    {
        problem = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            problem = BadRequest("INVALID_REQUEST", $"'{name}' must be a string, not {KindName(element.ValueKind)}.");
            return null;
        }

        return element.GetString();
    }

    private static Inputs? ReadOptionalObject(JsonElement root, string name, IGraphQLSerializer serializer, out GraphQLHttpProblem? problem)
    {
        problem = null;
        if (!root.TryGetProperty(name, out var element))
        {
            return null;
        }

        return ToInputs(element, name, serializer, out problem);
    }

    private static Inputs? ReadJsonParameter(HttpRequest request, string name, IGraphQLSerializer serializer, out GraphQLHttpProblem? problem)
    {
        problem = null;
        var text = (string?)request.Query[name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text, JsonOptions);
            return ToInputs(document.RootElement, name, serializer, out problem);
        }
        catch (JsonException ex)
        {
            problem = InvalidJson($"The '{name}' query parameter", ex);
            return null;
        }
    }

    private static Inputs? ToInputs(JsonElement element, string name, IGraphQLSerializer serializer, out GraphQLHttpProblem? problem)
    {
        problem = null;
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Object:
                try
                {
                    return serializer.ReadNode<Inputs>(element);
                }
                catch (Exception ex) when (ex is JsonException or FormatException or InvalidCastException or OverflowException or NotSupportedException)
                {
                    problem = BadRequest("INVALID_REQUEST", $"'{name}' could not be read as GraphQL input values.");
                    return null;
                }

            default:
                problem = BadRequest("INVALID_REQUEST", $"'{name}' must be a JSON object (or null), not {KindName(element.ValueKind)}.");
                return null;
        }
    }

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        _ => "an undefined value",
    };

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
