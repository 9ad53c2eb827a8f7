using GraphQL;
using Microsoft.AspNetCore.Http;

namespace NbaPredict.Graph.GraphQL.Infrastructure;

/// <summary>
/// Options of the GraphQL-over-HTTP endpoint mapped by
/// <see cref="GraphQLHttpEndpointExtensions.MapGraphQLHttp"/>.
/// </summary>
public sealed class GraphQLHttpOptions
{
    /// <summary>Default for <see cref="MaxRequestBodyBytes"/>: 256 KiB.</summary>
    public const long DefaultMaxRequestBodyBytes = 256 * 1024;

    /// <summary>Default for <see cref="MaxQueryLength"/>: 64 Ki characters.</summary>
    public const int DefaultMaxQueryLength = 64 * 1024;

    /// <summary>Largest accepted POST body in bytes; larger bodies get 413. Default 256 KiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>Largest accepted <c>query</c> text in characters (POST and GET); longer ones get 400.</summary>
    public int MaxQueryLength { get; set; } = DefaultMaxQueryLength;

    /// <summary>
    /// When <see langword="true"/> (default, as the spec requires), a GET request selecting a mutation
    /// (or subscription) operation is rejected with 405 and <c>Allow: POST</c>.
    /// </summary>
    public bool GetAllowsOnlyQueries { get; set; } = true;

    /// <summary>
    /// Wall-clock budget of one execution. The execution's cancellation token is linked with
    /// <c>HttpContext.RequestAborted</c> and cancelled after this time. Default 10 s;
    /// <see cref="Timeout.InfiniteTimeSpan"/> disables it.
    /// </summary>
    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Called for every request right before execution, after the handler filled in schema, query,
    /// variables, <see cref="ExecutionOptions.RequestServices"/>, <see cref="ExecutionOptions.User"/> and the
    /// cancellation token. Use it to add user context, validation rules or listeners.
    /// </summary>
    public Action<ExecutionOptions, HttpContext>? ConfigureExecution { get; set; }

    /// <summary>
    /// When <see langword="true"/> (default), errors produced by unexpected exceptions (GraphQL.NET's
    /// <c>UnhandledError</c>) are replaced by a generic message carrying <c>extensions.requestId</c>,
    /// and the exception is logged. Errors thrown deliberately as <see cref="ExecutionError"/> keep their message.
    /// </summary>
    public bool MaskUnhandledExceptions { get; set; } = true;

    /// <summary>
    /// What the endpoint does with a browser navigation (GET that accepts <c>text/html</c> and has no
    /// <c>query</c> parameter). <see langword="null"/> (default) answers 404, leaving room for an IDE page;
    /// set it to serve such a page from the same route.
    /// </summary>
    public RequestDelegate? HtmlPageHandler { get; set; }
}
