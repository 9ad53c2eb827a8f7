using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace NbaPredict.Graph.Tests.Subscriptions;

/// <summary>A minimal graphql-transport-ws client over <see cref="ClientWebSocket"/> for the tests.</summary>
internal sealed class GraphQLWsClient : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket socket;

    private GraphQLWsClient(ClientWebSocket socket) => this.socket = socket;

    public ClientWebSocket Socket => socket;

    public static async Task<GraphQLWsClient> ConnectAsync(Uri uri, string? subProtocol)
    {
        var socket = new ClientWebSocket();
        if (subProtocol is not null)
        {
            socket.Options.AddSubProtocol(subProtocol);
        }

        using var timeout = new CancellationTokenSource(Patience);
        await socket.ConnectAsync(uri, timeout.Token);
        return new GraphQLWsClient(socket);
    }

    public async Task SendRawAsync(string text)
    {
        using var timeout = new CancellationTokenSource(Patience);
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    public Task SendAsync(object message) => SendRawAsync(JsonSerializer.Serialize(message));

    public Task SubscribeAsync(string id, string query, object? variables = null) =>
        SendAsync(new { id, type = "subscribe", payload = new { query, variables } });

    public Task CompleteAsync(string id) => SendAsync(new { id, type = "complete" });

    public async Task InitAsync(object? payload = null)
    {
        await SendAsync(payload is null ? new { type = "connection_init" } : new { type = "connection_init", payload });
        var ack = await ReceiveAsync();
        Assert.Equal("connection_ack", ack.Type);
    }

    /// <summary>The next message, or a close (Type "close", Code and Reason set).</summary>
    public async Task<WsMessage> ReceiveAsync(TimeSpan? patience = null)
    {
        using var timeout = new CancellationTokenSource(patience ?? Patience);
        var buffer = new byte[16 * 1024];
        using var text = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No message within {(patience ?? Patience).TotalSeconds} s.");
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                }

                return new WsMessage("close", null, default, (int?)result.CloseStatus, result.CloseStatusDescription);
            }

            text.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                var root = JsonDocument.Parse(text.ToArray()).RootElement;
                return new WsMessage(
                    root.GetProperty("type").GetString()!,
                    root.TryGetProperty("id", out var id) ? id.GetString() : null,
                    root.TryGetProperty("payload", out var payload) ? payload : default,
                    null,
                    null);
            }
        }
    }

    /// <summary>Reads until the server closes the socket and returns the close code.</summary>
    public async Task<WsMessage> ExpectCloseAsync(int code)
    {
        while (true)
        {
            var message = await ReceiveAsync();
            if (message.Type == "close")
            {
                Assert.Equal(code, message.CloseCode);
                return message;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
                socket.Abort();
            }
        }

        socket.Dispose();
    }
}

internal sealed record WsMessage(string Type, string? Id, JsonElement Payload, int? CloseCode, string? CloseReason)
{
    public override string ToString() => CloseCode is null ? $"{Type} {Id} {Payload}" : $"close {CloseCode} {CloseReason}";
}
