using GraphQL;
using Microsoft.AspNetCore.Http;

namespace NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;

/// <summary>Options of the <c>graphql-transport-ws</c> endpoint (see <see cref="GraphQLWebSocketEndpointExtensions"/>).</summary>
public sealed class GraphQLWebSocketOptions
{
    /// <summary>The only WebSocket subprotocol accepted.</summary>
    public const string SubProtocol = "graphql-transport-ws";

    /// <summary>
    /// How long a new socket may go without <c>connection_init</c> before it is closed with 4408. Default 10 s.
    /// </summary>
    public TimeSpan ConnectionInitWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>next</c> messages queued per connection while the socket is slower than the events. When full, the
    /// oldest queued <c>next</c> is dropped, so the freshest state still reaches a client that catches up.
    /// Control messages (<c>connection_ack</c>, <c>pong</c>, <c>error</c>, <c>complete</c>) are never dropped; a
    /// client that lets twice this many messages pile up is disconnected (1008). Default 256.
    /// </summary>
    public int MaxPendingMessages { get; set; } = 256;

    /// <summary>
    /// Operations one socket may run at the same time. A <c>subscribe</c> beyond that is answered with an
    /// <c>error</c> message (code <c>TOO_MANY_OPERATIONS</c>) and not executed. Default 100.
    /// </summary>
    public int MaxOperationsPerConnection { get; set; } = 100;

    /// <summary>Largest accepted client message in bytes; larger ones close the socket with 1009. Default 256 KiB.</summary>
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    /// <summary>WebSocket-level keep-alive (ping frames) used by the mapped endpoint. Default 30 s.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the server waits for the client's close frame (or a blocked send) before aborting. Default 5 s.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When <see langword="true"/> (default), errors from unexpected exceptions (<c>UnhandledError</c>) are replaced by
    /// a generic message with <c>extensions.requestId</c>, as the HTTP handler does, and logged.
    /// </summary>
    public bool MaskUnhandledExceptions { get; set; } = true;

    /// <summary>
    /// Called for every operation right before execution, after schema, query, variables, a per-operation
    /// <see cref="ExecutionOptions.RequestServices"/> scope, <see cref="ExecutionOptions.User"/> (the principal the
    /// <see cref="IWebSocketAuthenticator"/> returned) and the cancellation token were filled in.
    /// </summary>
    public Action<ExecutionOptions, HttpContext>? ConfigureExecution { get; set; }
}
