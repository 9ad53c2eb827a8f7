using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace NbaPredict.Core.Events;

/// <summary>
/// Local fan-out shared by the bus implementations: each observer gets a bounded channel (drop oldest when
/// full) and a pump task that calls it, so a slow or stuck observer only loses its own oldest messages.
/// Implementations decide how a published message reaches <see cref="Deliver"/> and how a delivered payload
/// becomes a <c>T</c> (<see cref="Convert{T}"/>).
/// </summary>
public abstract class EventBus : IEventBus, IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, ImmutableArray<Subscriber>> topics = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private long dropped;
    private long delivered;
    private int disposed;

    protected EventBus(EventBusOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SubscriberBufferCapacity, 1);
        Options = options;
        Logger = logger;
    }

    /// <summary>Messages dropped because a subscriber's buffer was full, over the bus's lifetime.</summary>
    public long DroppedMessages => Interlocked.Read(ref dropped);

    /// <summary>Messages handed to local subscribers' buffers, over the bus's lifetime.</summary>
    public long DeliveredMessages => Interlocked.Read(ref delivered);

    protected EventBusOptions Options { get; }

    protected ILogger Logger { get; }

    protected bool IsDisposed => Volatile.Read(ref disposed) != 0;

    public abstract ValueTask PublishAsync<T>(string topic, T message, CancellationToken cancellationToken = default);

    public IObservable<T> Subscribe<T>(string topic)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return new TopicObservable<T>(this, topic);
    }

    /// <summary>Observers of <paramref name="topic"/> in this process.</summary>
    public int SubscriberCount(string topic) => topics.TryGetValue(topic, out var list) ? list.Length : 0;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        Subscriber[] all;
        lock (gate)
        {
            all = [.. topics.Values.SelectMany(s => s)];
            topics.Clear();
        }

        foreach (var subscriber in all)
        {
            subscriber.Complete();
        }

        await DisposeCoreAsync();
        GC.SuppressFinalize(this);
    }

    public void Dispose()
    {
        DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the transport after all local subscribers were completed.</summary>
    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    /// <summary>Offers <paramref name="payload"/> to every local subscriber of <paramref name="topic"/>; never blocks.</summary>
    protected int Deliver(string topic, object? payload)
    {
        if (!topics.TryGetValue(topic, out var subscribers))
        {
            return 0;
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Offer(payload);
        }

        Interlocked.Add(ref delivered, subscribers.Length);
        return subscribers.Length;
    }

    /// <summary>Turns a delivered payload into the subscriber's message type (runs on the subscriber's pump).</summary>
    protected abstract T Convert<T>(object? payload);

    /// <summary>Called (under the registry lock) when <paramref name="topic"/> gets its first local subscriber.</summary>
    protected virtual void OnTopicActivated(string topic)
    {
    }

    /// <summary>Called (under the registry lock) when the last local subscriber of <paramref name="topic"/> left.</summary>
    protected virtual void OnTopicDeactivated(string topic)
    {
    }

    private void Add(Subscriber subscriber)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var list = topics.TryGetValue(subscriber.Topic, out var existing) ? existing : [];

            // The transport hears of the topic before the subscriber becomes visible (SubscriberCount reads
            // without the lock): whoever sees the subscriber can then also wait for the transport's subscription.
            if (list.IsEmpty)
            {
                OnTopicActivated(subscriber.Topic);
            }

            topics[subscriber.Topic] = list.Add(subscriber);
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (gate)
        {
            if (!topics.TryGetValue(subscriber.Topic, out var list))
            {
                return;
            }

            var remaining = list.Remove(subscriber);
            if (remaining.Length == list.Length)
            {
                return;
            }

            if (remaining.IsEmpty)
            {
                topics.TryRemove(subscriber.Topic, out _);
                OnTopicDeactivated(subscriber.Topic);
            }
            else
            {
                topics[subscriber.Topic] = remaining;
            }
        }
    }

    private void CountDrop(Subscriber subscriber)
    {
        var total = Interlocked.Increment(ref dropped);
        if (subscriber.CountDrop() == 1)
        {
            Logger.LogWarning(
                "Event subscriber of topic {Topic} is too slow; its oldest buffered messages are being dropped (buffer {Capacity}, {Total} dropped on this bus so far).",
                subscriber.Topic, Options.SubscriberBufferCapacity, total);
        }
    }

    private sealed class TopicObservable<T>(EventBus bus, string topic) : IObservable<T>
    {
        public IDisposable Subscribe(IObserver<T> observer)
        {
            ArgumentNullException.ThrowIfNull(observer);
            var subscriber = new Subscriber<T>(bus, topic, observer);
            bus.Add(subscriber);
            subscriber.Start();
            return subscriber;
        }
    }

    private abstract class Subscriber(string topic)
    {
        private long droppedHere;

        public string Topic { get; } = topic;

        public long CountDrop() => Interlocked.Increment(ref droppedHere);

        public abstract void Offer(object? payload);

        /// <summary>The bus is going away: deliver what is buffered, then signal completion.</summary>
        public abstract void Complete();
    }

    private sealed class Subscriber<T> : Subscriber, IDisposable
    {
        private readonly EventBus bus;
        private readonly IObserver<T> observer;
        private readonly Channel<object?> buffer;
        private int unsubscribed;

        public Subscriber(EventBus bus, string topic, IObserver<T> observer)
            : base(topic)
        {
            this.bus = bus;
            this.observer = observer;
            buffer = Channel.CreateBounded<object?>(
                new BoundedChannelOptions(bus.Options.SubscriberBufferCapacity)
                {
                    FullMode = BoundedChannelFullMode.DropOldest,
                    SingleReader = true,
                    SingleWriter = false,
                    AllowSynchronousContinuations = false,
                },
                _ => bus.CountDrop(this));
        }

        public void Start() => _ = Task.Run(PumpAsync);

        public override void Offer(object? payload) => buffer.Writer.TryWrite(payload);

        public override void Complete() => buffer.Writer.TryComplete();

        public void Dispose()
        {
            if (Interlocked.Exchange(ref unsubscribed, 1) == 0)
            {
                bus.Remove(this);
                buffer.Writer.TryComplete();
            }
        }

        private async Task PumpAsync()
        {
            var reader = buffer.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var payload))
                {
                    if (Volatile.Read(ref unsubscribed) != 0)
                    {
                        return;
                    }

                    T message;
                    try
                    {
                        message = bus.Convert<T>(payload);
                    }
                    catch (Exception ex)
                    {
                        bus.Logger.LogError(ex, "A message on topic {Topic} could not be read as {Type}; skipped.", Topic, typeof(T).Name);
                        continue;
                    }

                    try
                    {
                        observer.OnNext(message);
                    }
                    catch (Exception ex)
                    {
                        bus.Logger.LogError(ex, "An observer of topic {Topic} failed; the message was skipped.", Topic);
                    }
                }
            }

            if (Volatile.Read(ref unsubscribed) == 0)
            {
                try
                {
                    observer.OnCompleted();
                }
                catch (Exception ex)
                {
                    bus.Logger.LogError(ex, "An observer of topic {Topic} failed on completion.", Topic);
                }
            }
        }
    }
}
