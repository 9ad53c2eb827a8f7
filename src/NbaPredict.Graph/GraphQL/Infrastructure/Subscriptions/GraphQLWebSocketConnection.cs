using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;

/// <summary>
/// One accepted <c>graphql-transport-ws</c> socket: a receive loop that handles client messages in order, a send
/// loop that is the only writer of the socket, and the operations started by <c>subscribe</c>.
/// </summary>
internal sealed partial class GraphQLWebSocketConnection : IDisposable
{
    internal const int InvalidMessage = 4400;
    internal const int Unauthorized = 4401;
    internal const int Forbidden = 4403;
    internal const int SubprotocolNotAcceptable = 4406;
    internal const int ConnectionInitTimeout = 4408;
    internal const int SubscriberAlreadyExists = 4409;
    internal const int TooManyInitialisationRequests = 4429;

    private const string InternalErrorCode = "INTERNAL_SERVER_ERROR";

    private readonly WebSocket socket;
    private readonly HttpContext context;
    private readonly GraphQLWebSocketOptions options;
    private readonly ILogger logger;
    private readonly IGraphQLTextSerializer serializer;
    private readonly OutgoingQueue outgoing;
    private readonly ConcurrentDictionary<string, Operation> operations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource lifetime;
    private int initReceived;
    private volatile bool acknowledged;
    private ClaimsPrincipal principal;

    public GraphQLWebSocketConnection(WebSocket socket, HttpContext context, GraphQLWebSocketOptions options, ILogger logger)
    {
        this.socket = socket;
        this.context = context;
        this.options = options;
        this.logger = logger;
        serializer = context.RequestServices.GetRequiredService<IGraphQLTextSerializer>();
        outgoing = new OutgoingQueue(Math.Max(1, options.MaxPendingMessages));
        lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        principal = context.User;
    }

    public async Task RunAsync()
    {
        var token = lifetime.Token;
        var sender = Task.Run(() => SendLoopAsync(token), CancellationToken.None);
        var initTimer = WatchInitTimeoutAsync(token);
        try
        {
            await ReceiveLoopAsync(token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Aborted: the client vanished, the close handshake timed out, or the server is stopping.
        }
        finally
        {
            foreach (var operation in operations.Values)
            {
                operation.Abandon();
            }

            operations.Clear();
            outgoing.Close(WebSocketCloseStatus.NormalClosure, string.Empty);
            lifetime.CancelAfter(options.CloseTimeout);
            await sender;
            await lifetime.CancelAsync();
            await initTimer;
            if (socket.State is not WebSocketState.Closed and not WebSocketState.Aborted)
            {
                socket.Abort();
            }

        }
    }

    public void Dispose()
    {
        outgoing.Dispose();
        lifetime.Dispose();
    }

    /// <summary>Closes the socket with 1001 (the host is stopping); running operations end without <c>complete</c>.</summary>
    public void CloseForShutdown() => RequestClose((int)WebSocketCloseStatus.EndpointUnavailable, "Server is shutting down");

    private async Task WatchInitTimeoutAsync(CancellationToken token)
    {
        var timeout = options.ConnectionInitWaitTimeout;
        if (timeout <= TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        try
        {
            await Task.Delay(timeout, token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (Volatile.Read(ref initReceived) == 0)
        {
            RequestClose(ConnectionInitTimeout, "Connection initialisation timeout");
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        var message = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                message.ResetWrittenCount();
                WebSocketReceiveResult received;
                var tooBig = false;
                do
                {
                    received = await socket.ReceiveAsync(buffer, token);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        // The client closed (or answered our close): complete the close handshake and stop.
                        RequestClose((int)WebSocketCloseStatus.NormalClosure, string.Empty);
                        return;
                    }

                    if (message.WrittenCount + received.Count > options.MaxMessageBytes)
                    {
                        tooBig = true;
                    }
                    else
                    {
                        message.Write(buffer.AsSpan(0, received.Count));
                    }
                }
                while (!received.EndOfMessage);

                if (outgoing.IsClosed)
                {
                    continue; // closing: wait for the client's close frame, ignore everything else
                }

                if (tooBig)
                {
                    RequestClose((int)WebSocketCloseStatus.MessageTooBig, "Message too big");
                }
                else if (received.MessageType != WebSocketMessageType.Text)
                {
                    RequestClose(InvalidMessage, "Binary messages are not supported");
                }
                else
                {
                    await HandleMessageAsync(message.WrittenMemory, token);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task HandleMessageAsync(ReadOnlyMemory<byte> body, CancellationToken token)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            RequestClose(InvalidMessage, "Invalid message: not JSON");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var typeElement)
                || typeElement.ValueKind != JsonValueKind.String)
            {
                RequestClose(InvalidMessage, "Invalid message: expected an object with a string 'type'");
                return;
            }

            var type = typeElement.GetString();
            var hasPayload = root.TryGetProperty("payload", out var payload) && payload.ValueKind != JsonValueKind.Null;
            switch (type)
            {
                case "connection_init":
                    if (hasPayload && payload.ValueKind != JsonValueKind.Object)
                    {
                        RequestClose(InvalidMessage, "Invalid message: connection_init payload must be an object");
                        return;
                    }

                    await InitializeAsync(hasPayload ? payload : null, token);
                    return;
                case "ping":
                    if (hasPayload && payload.ValueKind != JsonValueKind.Object)
                    {
                        RequestClose(InvalidMessage, "Invalid message: ping payload must be an object");
                        return;
                    }

                    Send(Encode("pong", null, null), isNext: false, operation: null);
                    return;
                case "pong":
                    return;
                case "subscribe":
                    Subscribe(root, hasPayload ? payload : null);
                    return;
                case "complete":
                    if (ReadId(root) is not { } completeId)
                    {
                        return;
                    }

                    if (operations.TryRemove(completeId, out var operation))
                    {
                        operation.Abandon();
                    }

                    return;
                default:
                    RequestClose(InvalidMessage, $"Invalid message: unexpected type '{Truncate(type, 40)}'");
                    return;
            }
        }
    }

    private async Task InitializeAsync(JsonElement? payload, CancellationToken token)
    {
        if (Interlocked.Exchange(ref initReceived, 1) != 0)
        {
            RequestClose(TooManyInitialisationRequests, "Too many initialisation requests");
            return;
        }

        var authenticator = context.RequestServices.GetService<IWebSocketAuthenticator>() ?? new AllowAllWebSocketAuthenticator();
        WebSocketAuthenticationResult result;
        try
        {
            result = await authenticator.AuthenticateAsync(new WebSocketConnectionInit(context, payload), token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAuthenticatorFailed(logger, ex, context.TraceIdentifier);
            result = WebSocketAuthenticationResult.Fail("The authenticator threw.");
        }

        if (!result.Succeeded)
        {
            LogForbidden(logger, context.TraceIdentifier, result.FailureReason);
            RequestClose(Forbidden, "Forbidden");
            return;
        }

        principal = result.Principal!;
        acknowledged = true;
        Send(Encode("connection_ack", null, null), isNext: false, operation: null);
        if (result.ExpiresAt is { } expiresAt)
        {
            _ = CloseAtExpiryAsync(expiresAt, token);
        }
    }

    /// <summary>A connection lives no longer than its credential: at expiry it closes with 4403, ending its subscriptions.</summary>
    private async Task CloseAtExpiryAsync(DateTimeOffset expiresAt, CancellationToken token)
    {
        try
        {
            var remaining = expiresAt - DateTimeOffset.UtcNow;
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, token);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        LogForbidden(logger, context.TraceIdentifier, "the credential expired");
        RequestClose(Forbidden, "Token expired");
    }

    private string? ReadId(JsonElement root)
    {
        if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } value)
        {
            return value;
        }

        RequestClose(InvalidMessage, "Invalid message: 'id' must be a non-empty string");
        return null;
    }

    private void Subscribe(JsonElement root, JsonElement? payload)
    {
        if (ReadId(root) is not { } id)
        {
            return;
        }

        if (payload is not { ValueKind: JsonValueKind.Object } request
            || !request.TryGetProperty("query", out var queryElement)
            || queryElement.ValueKind != JsonValueKind.String)
        {
            RequestClose(InvalidMessage, "Invalid message: subscribe payload must be an object with a string 'query'");
            return;
        }

        string? operationName = null;
        if (request.TryGetProperty("operationName", out var nameElement) && nameElement.ValueKind != JsonValueKind.Null)
        {
            if (nameElement.ValueKind != JsonValueKind.String)
            {
                RequestClose(InvalidMessage, "Invalid message: 'operationName' must be a string");
                return;
            }

            operationName = nameElement.GetString();
        }

        if (!TryReadInputs(request, "variables", out var variables) || !TryReadInputs(request, "extensions", out var extensions))
        {
            return;
        }

        if (!acknowledged)
        {
            RequestClose(Unauthorized, "Unauthorized");
            return;
        }

        if (operations.ContainsKey(id))
        {
            RequestClose(SubscriberAlreadyExists, Truncate($"Subscriber for {id} already exists", 120));
            return;
        }

        if (operations.Count >= options.MaxOperationsPerConnection)
        {
            var error = new ExecutionError($"At most {options.MaxOperationsPerConnection} operations can run at once on one connection.")
            {
                Code = "TOO_MANY_OPERATIONS",
            };
            using var document = JsonDocument.Parse(serializer.Serialize(new ExecutionResult(error)));
            Send(Encode("error", id, document.RootElement.GetProperty("errors").GetRawText()), isNext: false, operation: null);
            return;
        }

        // Only this loop adds operations, so the check above still holds.
        var operation = new Operation(id, context.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope());
        operations[id] = operation;

        var query = queryElement.GetString()!;
        _ = Task.Run(() => ExecuteAsync(operation, query, operationName, variables, extensions), CancellationToken.None);
    }

    private bool TryReadInputs(JsonElement request, string name, out Inputs? inputs)
    {
        inputs = null;
        if (!request.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind == JsonValueKind.Object)
        {
            try
            {
                inputs = serializer.ReadNode<Inputs>(element);
                return true;
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
            {
                // reported below
            }
        }

        RequestClose(InvalidMessage, $"Invalid message: '{name}' must be an object");
        return false;
    }

    private async Task ExecuteAsync(Operation operation, string query, string? operationName, Inputs? variables, Inputs? extensions)
    {
        try
        {
            var services = operation.Services;
            var executionOptions = new ExecutionOptions
            {
                Schema = services.GetRequiredService<ISchema>(),
                Query = query,
                OperationName = operationName,
                Variables = variables,
                Extensions = extensions,
                RequestServices = services,
                User = principal,
                CancellationToken = operation.Token,
            };
            options.ConfigureExecution?.Invoke(executionOptions, context);
            var result = await services.GetRequiredService<IDocumentExecuter>().ExecuteAsync(executionOptions);
            if (operation.IsStopped)
            {
                return;
            }

            if (result.Streams is { Count: > 0 } streams)
            {
                operation.Attach(streams.Values.First().Subscribe(new StreamObserver(this, operation)));
                return;
            }

            if (!result.Executed)
            {
                FinishWithError(operation, result.Errors ?? []);
                return;
            }

            SendNext(operation, result);
            Finish(operation, sendComplete: true);
        }
        catch (Exception ex) when (operation.IsStopped && ex is OperationCanceledException)
        {
            // The client completed the operation or went away.
        }
        catch (Exception ex)
        {
            LogOperationFailed(logger, ex, operation.Id, context.TraceIdentifier);
            FinishWithError(operation, [InternalError()]);
        }
    }

    private void SendNext(Operation operation, ExecutionResult result)
    {
        if (options.MaskUnhandledExceptions && result.Errors is { Count: > 0 } errors)
        {
            result.Errors = Mask(errors, operation.Id);
        }

        var payload = serializer.Serialize(result);
        Send(Encode("next", operation.Id, payload), isNext: true, operation);
    }

    private void SendError(Operation operation, IEnumerable<ExecutionError> errors)
    {
        var list = new ExecutionErrors();
        foreach (var error in errors)
        {
            list.Add(error);
        }

        if (list.Count == 0)
        {
            list.Add(InternalError());
        }

        if (options.MaskUnhandledExceptions)
        {
            list = Mask(list, operation.Id);
        }

        using var document = JsonDocument.Parse(serializer.Serialize(new ExecutionResult { Errors = list }));
        Send(Encode("error", operation.Id, document.RootElement.GetProperty("errors").GetRawText()), isNext: false, operation);
    }

    /// <summary>
    /// Ends a failed operation. The id is freed before the error is queued, so a client that reuses the id as
    /// soon as it reads the error is never told the id is still taken.
    /// </summary>
    private void FinishWithError(Operation operation, IEnumerable<ExecutionError> errors)
    {
        if (!operations.TryRemove(new KeyValuePair<string, Operation>(operation.Id, operation)))
        {
            return; // the client completed it, or the connection is closing
        }

        SendError(operation, errors);
        operation.Dispose();
    }

    /// <summary>Ends an operation the server finished; the id can be reused once the client sees <c>complete</c>.</summary>
    private void Finish(Operation operation, bool sendComplete)
    {
        if (!operations.TryRemove(new KeyValuePair<string, Operation>(operation.Id, operation)))
        {
            return; // the client completed it, or the connection is closing
        }

        if (sendComplete)
        {
            Send(Encode("complete", operation.Id, null), isNext: false, operation: null);
        }

        operation.Dispose();
    }

    private void Send(byte[] body, bool isNext, Operation? operation)
    {
        if (operation is { IsStopped: true })
        {
            return;
        }

        var droppedBefore = outgoing.Dropped;
        if (outgoing.Enqueue(new OutgoingMessage(body, isNext, operation), out var overflow))
        {
            if (droppedBefore == 0 && outgoing.Dropped > 0)
            {
                LogSlowClient(logger, context.TraceIdentifier, options.MaxPendingMessages);
            }
        }
        else if (overflow)
        {
            LogOverflow(logger, context.TraceIdentifier);
            RequestClose((int)WebSocketCloseStatus.PolicyViolation, "Client is not reading");
        }
    }

    private void RequestClose(int code, string reason)
    {
        if (!outgoing.Close((WebSocketCloseStatus)code, reason))
        {
            return;
        }

        foreach (var operation in operations.Values)
        {
            operation.Abandon();
        }

        operations.Clear();
        try
        {
            // Give the client CloseTimeout to answer our close frame; after that the socket is aborted.
            lifetime.CancelAfter(options.CloseTimeout);
        }
        catch (ObjectDisposedException)
        {
            // The connection already ended.
        }
    }

    private async Task SendLoopAsync(CancellationToken token)
    {
        try
        {
            while (true)
            {
                var message = await outgoing.DequeueAsync(token);
                if (message.CloseStatus is { } status)
                {
                    if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(status, message.CloseReason, token);
                    }

                    return;
                }

                if (message.Operation is { IsAbandoned: true })
                {
                    continue;
                }

                await socket.SendAsync(message.Body, WebSocketMessageType.Text, endOfMessage: true, token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Aborted or timed out: the receive loop notices the broken socket.
            await lifetime.CancelAsync();
        }
    }

    private static byte[] Encode(string type, string? id, string? rawPayload)
    {
        var buffer = new ArrayBufferWriter<byte>(rawPayload is null ? 64 : rawPayload.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (id is not null)
            {
                writer.WriteString("id", id);
            }

            writer.WriteString("type", type);
            if (rawPayload is not null)
            {
                writer.WritePropertyName("payload");
                writer.WriteRawValue(rawPayload, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private ExecutionErrors Mask(ExecutionErrors errors, string operationId)
    {
        var masked = new ExecutionErrors();
        foreach (var error in errors)
        {
            if (error is not UnhandledError)
            {
                masked.Add(error);
                continue;
            }

            LogUnhandled(logger, error.InnerException ?? error, operationId, context.TraceIdentifier,
                error.Path is null ? "(document)" : string.Join('.', error.Path));
            var replacement = InternalError();
            replacement.Path = error.Path;
            foreach (var location in error.Locations ?? [])
            {
                replacement.AddLocation(location);
            }

            masked.Add(replacement);
        }

        return masked;
    }

    private ExecutionError InternalError() =>
        new("An unexpected error occurred while processing the request.")
        {
            Code = InternalErrorCode,
            Extensions = new Dictionary<string, object?> { ["requestId"] = context.TraceIdentifier },
        };

    /// <summary>Close reasons must fit in 123 UTF-8 bytes.</summary>
    private static string Truncate(string? text, int maxChars)
    {
        text ??= string.Empty;
        if (text.Length > maxChars)
        {
            text = text[..maxChars];
        }

        while (Encoding.UTF8.GetByteCount(text) > 123)
        {
            text = text[..^1];
        }

        return text;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The WebSocket authenticator failed for connection {RequestId}.")]
    private static partial void LogAuthenticatorFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket connection {RequestId} was refused: {Reason}")]
    private static partial void LogForbidden(ILogger logger, string requestId, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "GraphQL operation {OperationId} on WebSocket connection {RequestId} failed unexpectedly.")]
    private static partial void LogOperationFailed(ILogger logger, Exception exception, string operationId, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception in GraphQL operation {OperationId} on WebSocket connection {RequestId} at {Path}.")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string operationId, string requestId, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket connection {RequestId} reads slower than events arrive; its oldest queued messages are dropped (limit {Limit}).")]
    private static partial void LogSlowClient(ILogger logger, string requestId, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket connection {RequestId} does not read its messages; closing it.")]
    private static partial void LogOverflow(ILogger logger, string requestId);

    /// <summary>Forwards a subscription's response stream to the socket.</summary>
    private sealed class StreamObserver(GraphQLWebSocketConnection connection, Operation operation) : IObserver<ExecutionResult>
    {
        public void OnNext(ExecutionResult value)
        {
            if (!operation.IsStopped)
            {
                connection.SendNext(operation, value);
            }
        }

        public void OnError(Exception error)
        {
            if (operation.IsStopped)
            {
                return;
            }

            LogOperationFailed(connection.logger, error, operation.Id, connection.context.TraceIdentifier);
            connection.SendNext(operation, new ExecutionResult(connection.InternalError()));
            connection.Finish(operation, sendComplete: true);
        }

        public void OnCompleted() => connection.Finish(operation, sendComplete: true);
    }
}
