using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;

namespace NbaPredict.IntegrationTests.Infrastructure;

/// <summary>A minimal graphql-transport-ws client over the test server's in-memory WebSocket.</summary>
public sealed class GraphQLWebSocket(WebSocket socket) : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Connects and initialises with the app's default credential (<see cref="NbaApp.DefaultApiKey"/>) when it has one.</summary>
    public static Task<GraphQLWebSocket> ConnectAsync(WebApplicationFactory<Program> app) =>
        ConnectAsync(app, app is NbaApp nba ? new Dictionary<string, string> { ["X-Api-Key"] = nba.DefaultApiKey } : new Dictionary<string, string>());

    /// <summary>Connects and initialises without credentials: the connection is acknowledged, its subscriptions are refused.</summary>
    public static Task<GraphQLWebSocket> ConnectAnonymousAsync(WebApplicationFactory<Program> app) =>
        ConnectAsync(app, new Dictionary<string, string>());

    /// <summary>Connects and sends <c>connection_init</c> with <paramref name="payload"/>, expecting <c>connection_ack</c>.</summary>
    public static async Task<GraphQLWebSocket> ConnectAsync(WebApplicationFactory<Program> app, IReadOnlyDictionary<string, string> payload)
    {
        var socket = await OpenAsync(app);
        await socket.SendAsync(new { type = "connection_init", payload });
        var ack = await socket.ReceiveAsync();
        Assert.Equal("connection_ack", (string)ack["type"]!);
        return socket;
    }

    /// <summary>Opens the socket without initialising it.</summary>
    public static async Task<GraphQLWebSocket> OpenAsync(WebApplicationFactory<Program> app)
    {
        var client = app.Server.CreateWebSocketClient();
        client.SubProtocols.Add("graphql-transport-ws");
        using var timeout = new CancellationTokenSource(Patience);
        return new GraphQLWebSocket(await client.ConnectAsync(new Uri(app.Server.BaseAddress, "graphql"), timeout.Token));
    }

    /// <summary>Waits for the server to close the socket and returns its close status.</summary>
    public async Task<int?> ReceiveCloseAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (int?)result.CloseStatus;
            }
        }
    }

    public void Dispose() => socket.Dispose();

    /// <summary>
    /// Waits until the app's event bus has a subscriber on <paramref name="topic"/>, so an event published next
    /// cannot race ahead of the subscription being registered.
    /// </summary>
    public static async Task WaitForSubscriberAsync(WebApplicationFactory<Program> app, string topic)
    {
        var bus = (NbaPredict.Core.Events.EventBus)app.Services.GetService(typeof(NbaPredict.Core.Events.IEventBus))!;
        var deadline = DateTime.UtcNow + Patience;
        while (bus.SubscriberCount(topic) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no subscriber on '{topic}' within {Patience.TotalSeconds} s");
            await Task.Delay(20);
        }
    }

    public Task SubscribeAsync(string id, string query, object? variables = null) =>
        SendAsync(new { id, type = "subscribe", payload = new { query, variables } });

    public async Task SendAsync(object message)
    {
        using var timeout = new CancellationTokenSource(Patience);
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, timeout.Token);
    }

    public async Task<JsonObject> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[64 * 1024];
        using var text = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            text.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return JsonNode.Parse(Encoding.UTF8.GetString(text.ToArray()))!.AsObject();
    }
}
