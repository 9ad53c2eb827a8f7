using NbaPredict.Core.Events;
using Xunit;

namespace NbaPredict.Graph.Tests.Subscriptions;

public sealed class EventBusTests
{
    [Fact]
    public void The_transport_hears_of_a_topic_before_its_first_subscriber_is_visible()
    {
        // A caller that sees SubscriberCount == 1 may wait for the transport's subscription (Redis); the transport
        // must therefore already know the topic by then, or the wait returns at once and early messages are lost.
        using var bus = new ObservingBus();
        using var subscription = bus.Subscribe<Tick>("t").Subscribe(new Collector<Tick>());

        Assert.Equal([0], bus.CountsSeenOnActivation);
        Assert.Equal(1, bus.SubscriberCount("t"));
    }

    private sealed class ObservingBus : EventBus
    {
        public ObservingBus()
            : base(new EventBusOptions(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
        {
        }

        public List<int> CountsSeenOnActivation { get; } = [];

        public override ValueTask PublishAsync<T>(string topic, T message, CancellationToken cancellationToken = default)
        {
            Deliver(topic, message);
            return ValueTask.CompletedTask;
        }

        protected override T Convert<T>(object? payload) => (T)payload!;

        protected override void OnTopicActivated(string topic) => CountsSeenOnActivation.Add(SubscriberCount(topic));
    }

    [Fact]
    public async Task Subscribers_get_messages_of_their_topic_in_order_until_they_unsubscribe()
    {
        await using var bus = new InProcessEventBus();
        var a = new Collector<Tick>();
        var other = new Collector<Tick>();
        var subscription = bus.Subscribe<Tick>("a").Subscribe(a);
        using var otherSubscription = bus.Subscribe<Tick>("b").Subscribe(other);

        for (var i = 1; i <= 100; i++)
        {
            await bus.PublishAsync("a", new Tick("a", i, null));
        }

        await Eventually.TrueAsync(() => a.Count == 100, "all 100 messages arrived");
        Assert.Equal(Enumerable.Range(1, 100), a.Items.Select(t => t.Seq));
        Assert.Equal(0, other.Count);

        subscription.Dispose();
        Assert.Equal(0, bus.SubscriberCount("a"));
        await bus.PublishAsync("a", new Tick("a", 101, null));
        await Task.Delay(50);
        Assert.Equal(100, a.Count);
    }

    [Fact]
    public async Task A_stuck_subscriber_loses_its_oldest_messages_but_never_delays_the_publisher_or_others()
    {
        await using var bus = new InProcessEventBus(new EventBusOptions { SubscriberBufferCapacity = 16 });
        using var release = new ManualResetEventSlim(false);
        var stuck = new Collector<Tick>(onNext: _ => release.Wait());
        var healthy = new Collector<Tick>();
        using var s1 = bus.Subscribe<Tick>("t").Subscribe(stuck);
        using var s2 = bus.Subscribe<Tick>("t").Subscribe(healthy);

        const int Count = 5_000;
        var publishing = Task.Run(async () =>
        {
            for (var i = 1; i <= Count; i++)
            {
                await bus.PublishAsync("t", new Tick("t", i, null));
            }
        });

        // The publisher finishes although one subscriber blocks forever inside OnNext.
        await publishing.WaitAsync(GraphQLWsClient.Patience);
        await Eventually.TrueAsync(() => healthy.Last?.Seq == Count, "the healthy subscriber got the last message");
        Assert.True(bus.DroppedMessages > 0, "the stuck subscriber's buffer overflowed");

        release.Set();
        await Eventually.TrueAsync(() => stuck.Last?.Seq == Count, "the stuck subscriber catches up with the newest messages");
        Assert.True(stuck.Count <= 16 + 2, $"it only kept its buffer's worth ({stuck.Count})");
    }

    [Fact]
    public async Task Disposing_the_bus_completes_the_observers()
    {
        var bus = new InProcessEventBus();
        var collector = new Collector<Tick>();
        bus.Subscribe<Tick>("t").Subscribe(collector);

        await bus.DisposeAsync();

        await Eventually.TrueAsync(() => collector.Completed, "OnCompleted was called");
    }

    [Fact]
    public async Task Redis_bus_delivers_json_across_instances_with_the_channel_prefix()
    {
        var redis = RedisTestServer.ConnectionString;
        await using var publisher = new RedisEventBus(redis);
        await using var subscriberBus = new RedisEventBus(redis);
        var topic = "bus-" + Guid.NewGuid().ToString("N");
        var collector = new Collector<Tick>();
        using var subscription = subscriberBus.Subscribe<Tick>(topic).Subscribe(collector);
        await subscriberBus.WhenSubscribedAsync(topic).WaitAsync(GraphQLWsClient.Patience);

        await using var raw = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis);
        var channels = await raw.GetServer(raw.GetEndPoints()[0]).SubscriptionChannelsAsync(StackExchange.Redis.RedisChannel.Literal("nbapredict:" + topic));
        Assert.Single(channels);

        for (var i = 1; i <= 20; i++)
        {
            await publisher.PublishAsync(topic, new Tick(topic, i, "ü"));
        }

        await Eventually.TrueAsync(() => collector.Count == 20, "20 messages arrived through Redis");
        Assert.Equal(Enumerable.Range(1, 20), collector.Items.Select(t => t.Seq));
        Assert.All(collector.Items, t => Assert.Equal("ü", t.Text));
    }

    internal sealed class Collector<T>(Action<T>? onNext = null) : IObserver<T>
    {
        private readonly List<T> items = [];
        private readonly Lock gate = new();

        public IReadOnlyList<T> Items
        {
            get
            {
                lock (gate)
                {
                    return [.. items];
                }
            }
        }

        public int Count => Items.Count;

        public T? Last
        {
            get
            {
                lock (gate)
                {
                    return items.Count == 0 ? default : items[^1];
                }
            }
        }

        public bool Completed { get; private set; }

        public void OnCompleted() => Completed = true;

        public void OnError(Exception error) => throw error;

        public void OnNext(T value)
        {
            onNext?.Invoke(value);
            lock (gate)
            {
                items.Add(value);
            }
        }
    }
}
