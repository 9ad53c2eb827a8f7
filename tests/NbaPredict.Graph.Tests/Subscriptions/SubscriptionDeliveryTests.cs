using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Events;
using Xunit;

namespace NbaPredict.Graph.Tests.Subscriptions;

public sealed class SubscriptionDeliveryTests
{
    private const string TickedQuery = "subscription($topic: String) { ticked(topic: $topic) { seq text } }";

    [Fact]
    public async Task A_client_that_never_reads_does_not_hold_up_the_bus_or_other_clients()
    {
        await using var host = await SubscriptionTestHost.StartAsync(o => o.MaxPendingMessages = 32);
        var topic = "slow-" + Guid.NewGuid().ToString("N");
        await using var sleeper = await host.ConnectAsync();
        await sleeper.InitAsync();
        await sleeper.SubscribeAsync("s", TickedQuery, new { topic });
        await using var reader = await host.ConnectAsync();
        await reader.InitAsync();
        await reader.SubscribeAsync("r", TickedQuery, new { topic });
        await Eventually.TrueAsync(() => host.Bus.SubscriberCount(topic) == 2, "both subscriptions reached the bus");

        // Enough data to fill the sleeper's TCP buffers many times over.
        const int Count = 2_000;
        var text = new string('x', 8 * 1024);
        var bus = host.Services.GetRequiredService<IEventBus>();
        var publishing = Task.Run(async () =>
        {
            for (var seq = 1; seq <= Count; seq++)
            {
                await bus.PublishAsync(topic, new Tick(topic, seq, text));
            }
        });

        var last = 0;
        while (last < Count)
        {
            var message = await reader.ReceiveAsync();
            Assert.Equal("next", message.Type);
            var seq = message.Payload.GetProperty("data").GetProperty("ticked").GetProperty("seq").GetInt32();
            Assert.True(seq > last, "messages arrive in order");
            last = seq;
        }

        await publishing.WaitAsync(GraphQLWsClient.Patience);
        Assert.Equal(Count, last);

        // The sleeper is still connected and is served once it reads again.
        await sleeper.SendAsync(new { type = "ping" });
        WsMessage received;
        do
        {
            received = await sleeper.ReceiveAsync();
        }
        while (received.Type == "next");
        Assert.Equal("pong", received.Type);
    }

    [Fact]
    public async Task Every_event_is_resolved_in_a_fresh_service_scope_with_the_scoped_strategy()
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        var topic = "scope-" + Guid.NewGuid().ToString("N");
        await using var client = await host.ConnectAsync();
        await client.InitAsync();
        await client.SubscribeAsync("s", "subscription($topic: String) { ticked(topic: $topic) { seq scope } }", new { topic });
        await Eventually.TrueAsync(() => host.Bus.SubscriberCount(topic) == 1, "the subscription reached the bus");

        await host.Bus.PublishAsync(topic, new Tick(topic, 1, null));
        await host.Bus.PublishAsync(topic, new Tick(topic, 2, null));
        var scopes = new HashSet<string>();
        for (var i = 0; i < 2; i++)
        {
            var next = await client.ReceiveAsync();
            scopes.Add(next.Payload.GetProperty("data").GetProperty("ticked").GetProperty("scope").GetString()!);
        }

        Assert.Equal(2, scopes.Count);
    }

    [Fact]
    public async Task Stopping_the_server_closes_sockets_with_1001()
    {
        await using var host = await SubscriptionTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.InitAsync();
        await client.SubscribeAsync("s", TickedQuery, new { topic = "shutdown" });

        var stopping = host.StopAsync();

        var close = await client.ExpectCloseAsync(1001);
        Assert.Equal("Server is shutting down", close.CloseReason);
        await stopping.WaitAsync(GraphQLWsClient.Patience);
    }

    [Fact]
    public async Task Two_app_instances_share_events_through_one_redis()
    {
        var redis = RedisTestServer.ConnectionString;
        await using var first = await SubscriptionTestHost.StartAsync(redis: redis);
        await using var second = await SubscriptionTestHost.StartAsync(redis: redis);
        Assert.IsType<RedisEventBus>(first.Bus);
        Assert.IsType<RedisEventBus>(second.Bus);
        var topic = "redis-" + Guid.NewGuid().ToString("N");

        await using var client = await first.ConnectAsync();
        await client.InitAsync();
        await client.SubscribeAsync("r", TickedQuery, new { topic });
        await Eventually.TrueAsync(() => first.Bus.SubscriberCount(topic) == 1, "the subscription reached the first instance's bus");
        await ((RedisEventBus)first.Bus).WhenSubscribedAsync(topic).WaitAsync(GraphQLWsClient.Patience);

        // Published by a mutation on the second instance.
        for (var seq = 1; seq <= 3; seq++)
        {
            using var response = await second.Http.PostAsJsonAsync("/graphql", new
            {
                query = "mutation($topic: String!, $seq: Int!) { publishTick(topic: $topic, seq: $seq, text: \"from second\") }",
                variables = new { topic, seq },
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        for (var seq = 1; seq <= 3; seq++)
        {
            var next = await client.ReceiveAsync();
            Assert.Equal("next", next.Type);
            var tick = next.Payload.GetProperty("data").GetProperty("ticked");
            Assert.Equal(seq, tick.GetProperty("seq").GetInt32());
            Assert.Equal("from second", tick.GetProperty("text").GetString());
        }

        await client.CompleteAsync("r");
        await Eventually.TrueAsync(() => first.Bus.SubscriberCount(topic) == 0, "completing released the subscription");
    }
}
