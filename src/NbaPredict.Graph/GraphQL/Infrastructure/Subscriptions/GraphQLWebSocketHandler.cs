using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;

/// <summary>Accepts WebSocket requests speaking <c>graphql-transport-ws</c> and runs a connection for each.</summary>
internal sealed class GraphQLWebSocketHandler(GraphQLWebSocketOptions options)
{
    private const string LoggerCategory = "NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions.GraphQLWebSocketHandler";

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("Expected a WebSocket request with subprotocol " + GraphQLWebSocketOptions.SubProtocol + ".", context.RequestAborted);
            return;
        }

        var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(LoggerCategory) ?? NullLogger.Instance;
        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(GraphQLWebSocketOptions.SubProtocol, StringComparer.Ordinal))
        {
            // As graphql-ws servers do: accept, then close with 4406 so the client learns why.
            using var rejected = await context.WebSockets.AcceptWebSocketAsync();
            await RejectAsync(rejected, context.RequestAborted);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(GraphQLWebSocketOptions.SubProtocol);
        using var connection = new GraphQLWebSocketConnection(socket, context, options, logger);
        var stopping = context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using (stopping.Register(connection.CloseForShutdown))
        {
            await connection.RunAsync();
        }
    }

    private async Task RejectAsync(WebSocket socket, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(options.CloseTimeout);
        try
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)GraphQLWebSocketConnection.SubprotocolNotAcceptable, "Subprotocol not acceptable", timeout.Token);
            var buffer = new byte[256];
            while (socket.State == WebSocketState.CloseSent)
            {
                await socket.ReceiveAsync(buffer, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            socket.Abort();
        }
    }
}
