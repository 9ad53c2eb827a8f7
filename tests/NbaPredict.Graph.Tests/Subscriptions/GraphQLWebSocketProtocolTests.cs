using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;
using Xunit;

namespace NbaPredict.Graph.Tests.Subscriptions;

public sealed class GraphQLWebSocketProtocolTests
{
    private const string TickedQuery = "subscription($topic: String) { ticked(topic: $topic) { topic seq text } }";

    [Fact]
    public async Task Init_is_acknowledged_with_the_graphql_transport_ws_subprotocol()
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        await using var client = await host.ConnectAsync();

        Assert.Equal("graphql-transport-ws", client.Socket.SubProtocol);
        await client.InitAsync(new { hello = "there" });
    }

    [Fact]
    public async Task Ping_gets_pong_before_and_after_ack_and_pong_needs_no_answer()
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        await using var client = await host.ConnectAsync();

        await client.SendAsync(new { type = "ping" });
        Assert.Equal("pong", (await client.ReceiveAsync()).Type);
        await client.InitAsync();
        await client.SendAsync(new { type = "pong" });
        await client.SendAsync(new { type = "ping", payload = new { n = 1 } });
        Assert.Equal("pong", (await client.ReceiveAsync()).Type);
    }

    [Fact]
    public async Task Subscription_receives_published_events_until_the_client_completes_it()
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.InitAsync();
        var topic = "game-" + Guid.NewGuid().ToString("N");

        await client.SubscribeAsync("s1", TickedQuery, new { topic });
        await Eventually.TrueAsync(() => host.Bus.SubscriberCount(topic) == 1, "the subscription reached the bus");

        // Published through a mutation over plain HTTP on the same route.
        for (var seq = 1; seq <= 3; seq++)
        {
            using var response = await host.Http.PostAsJsonAsync("/graphql", new
            {
                query = "mutation($topic: String!, $seq: Int!) { publishTick(topic: $topic, seq: $seq, text: \"go\") }",
                variables = new { topic, seq },
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        for (var seq = 1; seq <= 3; seq++)
        {
            var next = await client.ReceiveAsync();
            Assert.Equal("next", next.Type);
            Assert.Equal("s1", next.Id);
            var tick = next.Payload.GetProperty("data").GetProperty("ticked");
            Assert.Equal(topic, tick.GetProperty("topic").GetString());
            Assert.Equal(seq, tick.GetProperty("seq").GetInt32());
            Assert.Equal("go", tick.GetProperty("text").GetString());
        }

        await client.CompleteAsync("s1");
        await Eventually.TrueAsync(() => host.Bus.SubscriberCount(topic) == 0, "the bus subscription was disposed");

        // The id is free again, and the connection still works.
        await client.SubscribeAsync("s1", "{ hello }");
        var again = await client.ReceiveAsync();
        Assert.Equal("next", again.Type);
        Assert.Equal("world", again.Payload.GetProperty("data").GetProperty("hello").GetString());
    }

    [Fact]
    public async Task Finite_stream_ends_with_complete_from_the_server()
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.InitAsync();

        await client.SubscribeAsync("c", "subscription { countdown(from: 3) }");

        var values = new List<int>();
        WsMessage message;
        while ((message = await client.ReceiveAsync()).Type == "next")
        {
            values.Add(message.Payload.GetProperty("data").GetProperty("countdown").GetInt32());
        }

        Assert.Equal("complete", message.Type);
        Assert.Equal("c", message.Id);
        Assert.Equal([3, 2, 1], values);
    }

    [Fact]
    public async Task Query_and_mutation_over_websocket_give_one_next_then_complete()
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.InitAsync();
        var topic = "t-" + Guid.NewGuid().ToString("N");
        await client.SubscribeAsync("sub", TickedQuery, new { topic });
        await Eventually.TrueAsync(() => host.Bus.SubscriberCount(topic) == 1, "the subscription reached the bus");

        await client.SubscribeAsync("q", "{ hello }");
        var messages = new List<WsMessage> { await client.ReceiveAsync(), await client.ReceiveAsync() };
        Assert.Equal(["next", "complete"], messages.Select(m => m.Type));
        Assert.All(messages, m => Assert.Equal("q", m.Id));
        Assert.Equal("world", messages[0].Payload.GetProperty("data").GetProperty("hello").GetString());

        await client.SubscribeAsync("m", "mutation($topic: String!) { publishTick(topic: $topic, seq: 7) }", new { topic });
        var received = new List<WsMessage>();
        for (var i = 0; i < 3; i++)
        {
            received.Add(await client.ReceiveAsync());
        }

        Assert.Contains(received, m => m is { Type: "next", Id: "m" } && m.Payload.GetProperty("data").GetProperty("publishTick").GetBoolean());
        Assert.Contains(received, m => m is { Type: "complete", Id: "m" });
        Assert.Contains(received, m => m is { Type: "next", Id: "sub" } && m.Payload.GetProperty("data").GetProperty("ticked").GetProperty("seq").GetInt32() == 7);
    }

    [Fact]
    public async Task Validation_error_is_an_error_message_without_complete_and_frees_the_id()
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.InitAsync();

        await client.SubscribeAsync("x", "subscription { nope }");
        var error = await client.ReceiveAsync();
        Assert.Equal("error", error.Type);
        Assert.Equal("x", error.Id);
        Assert.Equal(JsonValueKind.Array, error.Payload.ValueKind);
        Assert.Contains("nope", error.Payload[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        await client.SubscribeAsync("x", "{ hello }");
        var next = await client.ReceiveAsync();
        Assert.Equal("next", next.Type);
        Assert.Equal("complete", (await client.ReceiveAsync()).Type);
    }

    [Fact]
    public async Task Unexpected_exceptions_are_masked()
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.InitAsync();

        await client.SubscribeAsync("b", "{ hello boom }");
        var next = await client.ReceiveAsync();

        Assert.Equal("next", next.Type);
        Assert.DoesNotContain("hunter2", next.Payload.ToString(), StringComparison.Ordinal);
        Assert.Equal("INTERNAL_SERVER_ERROR", next.Payload.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"type\":\"what\"}")]
    [InlineData("{\"type\":\"next\",\"id\":\"1\",\"payload\":{}}")]
    [InlineData("{\"type\":\"subscribe\",\"payload\":{\"query\":\"{ hello }\"}}")]
    [InlineData("{\"type\":\"subscribe\",\"id\":\"1\",\"payload\":{\"query\":42}}")]
    [InlineData("{\"type\":\"subscribe\",\"id\":\"1\",\"payload\":{\"query\":\"{ hello }\",\"variables\":[1]}}")]
    [InlineData("{\"type\":\"connection_init\",\"payload\":\"token\"}")]
    public async Task Invalid_message_closes_with_4400(string message)
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        if (!message.Contains("connection_init", StringComparison.Ordinal))
        {
            await client.InitAsync();
        }

        await client.SendRawAsync(message);

        var close = await client.ExpectCloseAsync(4400);
        Assert.StartsWith("Invalid message", close.CloseReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribe_before_ack_closes_with_4401()
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        await using var client = await host.ConnectAsync();

        await client.SubscribeAsync("1", "{ hello }");

        var close = await client.ExpectCloseAsync(4401);
        Assert.Equal("Unauthorized", close.CloseReason);
    }

    [Fact]
    public async Task Authenticator_sees_the_bearer_token_refusal_closes_with_4403_and_the_principal_reaches_resolvers()
    {
        await using var host = await SubscriptionTestHost.StartAsync(
            configureServices: s => s.AddSingleton<IWebSocketAuthenticator, TokenAuthenticator>());

        await using (var refused = await host.ConnectAsync())
        {
            await refused.SendAsync(new { type = "connection_init", payload = new { Authorization = "Bearer wrong" } });
            var close = await refused.ExpectCloseAsync(4403);
            Assert.Equal("Forbidden", close.CloseReason);
        }

        await using (var anonymous = await host.ConnectAsync())
        {
            await anonymous.SendAsync(new { type = "connection_init" });
            await anonymous.ExpectCloseAsync(4403);
        }

        await using var client = await host.ConnectAsync();
        await client.InitAsync(new { Authorization = "Bearer good-token" });
        await client.SubscribeAsync("w", "{ whoami }");
        var next = await client.ReceiveAsync();
        Assert.Equal("coach", next.Payload.GetProperty("data").GetProperty("whoami").GetString());
    }

    [Fact]
    public async Task Other_subprotocol_is_closed_with_4406()
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        await using var client = await host.ConnectAsync("graphql-ws");

        var close = await client.ExpectCloseAsync(4406);
        Assert.Equal("Subprotocol not acceptable", close.CloseReason);
    }

    [Fact]
    public async Task Missing_init_closes_with_4408_after_the_configured_timeout()
    {
        await using var host = await SubscriptionTestHost.StartAsync(o => o.ConnectionInitWaitTimeout = TimeSpan.FromMilliseconds(300));
        await using var client = await host.ConnectAsync();

        await client.SendAsync(new { type = "ping" }); // a ping is not an init
        Assert.Equal("pong", (await client.ReceiveAsync()).Type);
        var close = await client.ExpectCloseAsync(4408);
        Assert.Equal("Connection initialisation timeout", close.CloseReason);
    }

    [Fact]
    public async Task Init_in_time_is_not_closed_by_the_timeout()
    {
        await using var host = await SubscriptionTestHost.StartAsync(o => o.ConnectionInitWaitTimeout = TimeSpan.FromMilliseconds(300));
        await using var client = await host.ConnectAsync();
        await client.InitAsync();

        await Task.Delay(600);
        await client.SendAsync(new { type = "ping" });
        Assert.Equal("pong", (await client.ReceiveAsync()).Type);
    }

    [Fact]
    public async Task Duplicate_id_of_an_active_subscription_closes_with_4409()
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.InitAsync();
        var topic = "dup-" + Guid.NewGuid().ToString("N");

        await client.SubscribeAsync("same", TickedQuery, new { topic });
        await Eventually.TrueAsync(() => host.Bus.SubscriberCount(topic) == 1, "the first subscription is active");
        await client.SubscribeAsync("same", TickedQuery, new { topic });

        var close = await client.ExpectCloseAsync(4409);
        Assert.Equal("Subscriber for same already exists", close.CloseReason);
        await Eventually.TrueAsync(() => host.Bus.SubscriberCount(topic) == 0, "closing the socket ended its subscriptions");
    }

    [Fact]
    public async Task Operations_beyond_the_per_connection_limit_get_an_error_message()
    {
        await using var host = await SubscriptionTestHost.StartAsync(o => o.MaxOperationsPerConnection = 2);
        await using var client = await host.ConnectAsync();
        await client.InitAsync();
        var topic = "limit-" + Guid.NewGuid().ToString("N");

        await client.SubscribeAsync("1", TickedQuery, new { topic });
        await client.SubscribeAsync("2", TickedQuery, new { topic });
        await Eventually.TrueAsync(() => host.Bus.SubscriberCount(topic) == 2, "two subscriptions are active");
        await client.SubscribeAsync("3", TickedQuery, new { topic });

        var error = await client.ReceiveAsync();
        Assert.Equal("error", error.Type);
        Assert.Equal("3", error.Id);
        Assert.Equal("TOO_MANY_OPERATIONS", error.Payload[0].GetProperty("extensions").GetProperty("code").GetString());

        await client.CompleteAsync("1");
        await Eventually.TrueAsync(() => host.Bus.SubscriberCount(topic) == 1, "completing freed a slot");
        await client.SubscribeAsync("3", "{ hello }");
        Assert.Equal("next", (await client.ReceiveAsync()).Type);
    }

    [Fact]
    public async Task Second_init_closes_with_4429()
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.InitAsync();

        await client.SendAsync(new { type = "connection_init" });

        var close = await client.ExpectCloseAsync(4429);
        Assert.Equal("Too many initialisation requests", close.CloseReason);
    }

    [Fact]
    public async Task Middleware_form_serves_websockets_and_leaves_http_alone()
    {
        await using var host = await SubscriptionTestHost.StartAsync(middleware: true);
        await using var client = await host.ConnectAsync();
        await client.InitAsync();
        await client.SubscribeAsync("1", "{ hello }");
        Assert.Equal("next", (await client.ReceiveAsync()).Type);

        using var response = await host.Http.PostAsJsonAsync("/graphql", new { query = "{ hello }" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Http_on_the_same_route_still_works_next_to_the_websocket_endpoint()
    {
        await using var host = await SubscriptionTestHost.StartAsync();

        using var post = await host.Http.PostAsJsonAsync("/graphql", new { query = "{ hello }" });
        using var get = await host.Http.GetAsync(new Uri("/graphql?query=%7Bhello%7D", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Contains("world", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    private sealed class TokenAuthenticator : IWebSocketAuthenticator
    {
        public ValueTask<WebSocketAuthenticationResult> AuthenticateAsync(WebSocketConnectionInit init, CancellationToken cancellationToken) =>
            ValueTask.FromResult(init.BearerToken == "good-token"
                ? WebSocketAuthenticationResult.Success(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "coach")], "test")))
                : WebSocketAuthenticationResult.Fail("bad token"));
    }
}
