using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace NbaPredict.Core.Events;

/// <summary>
/// Bus shared by every instance connected to one Redis: a message is published as UTF-8 JSON on the channel
/// <c>nbapredict:&lt;topic&gt;</c> and reaches the local subscribers of every instance (this one included) through
/// Redis. An instance holds one Redis subscription per topic that has local subscribers, read in order.
/// </summary>
public sealed class RedisEventBus : EventBus
{
    private readonly Lazy<Task<IConnectionMultiplexer>> connection;
    private readonly bool ownsConnection;
    private readonly Dictionary<string, Task<ChannelMessageQueue?>> channels = new(StringComparer.Ordinal);

    /// <summary>Connects lazily to <paramref name="configuration"/> (StackExchange.Redis syntax, e.g. <c>127.0.0.1:6379</c>).</summary>
    public RedisEventBus(string configuration, EventBusOptions? options = null, ILogger<RedisEventBus>? logger = null)
        : base(options ?? new EventBusOptions(), (ILogger?)logger ?? NullLogger.Instance)
    {
        ArgumentException.ThrowIfNullOrEmpty(configuration);
        var redisOptions = ConfigurationOptions.Parse(configuration);
        redisOptions.AbortOnConnectFail = false;
        connection = new Lazy<Task<IConnectionMultiplexer>>(
            async () => await ConnectionMultiplexer.ConnectAsync(redisOptions).ConfigureAwait(false));
        ownsConnection = true;
    }

    /// <summary>Uses an existing connection, which the bus does not dispose.</summary>
    public RedisEventBus(IConnectionMultiplexer multiplexer, EventBusOptions? options = null, ILogger<RedisEventBus>? logger = null)
        : base(options ?? new EventBusOptions(), (ILogger?)logger ?? NullLogger.Instance)
    {
        ArgumentNullException.ThrowIfNull(multiplexer);
        connection = new Lazy<Task<IConnectionMultiplexer>>(Task.FromResult(multiplexer));
    }

    /// <summary>The Redis connection (made on first use), so tracing can profile its commands.</summary>
    public Task<IConnectionMultiplexer> GetConnectionAsync() => connection.Value;

    /// <summary>Round-trip time to Redis, for readiness checks.</summary>
    public async Task<TimeSpan> PingAsync()
    {
        var multiplexer = await connection.Value.ConfigureAwait(false);
        return await multiplexer.GetDatabase().PingAsync().ConfigureAwait(false);
    }

    public override async ValueTask PublishAsync<T>(string topic, T message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var body = JsonSerializer.SerializeToUtf8Bytes(message, Options.JsonSerializerOptions);
        var multiplexer = await connection.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        await multiplexer.GetSubscriber().PublishAsync(ChannelOf(topic), body).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Completes once the Redis subscription of <paramref name="topic"/> is in place (immediately when the topic
    /// has no local subscriber). Messages published before that are not seen by this instance.
    /// </summary>
    public Task WhenSubscribedAsync(string topic)
    {
        lock (channels)
        {
            return channels.TryGetValue(topic, out var task) ? task : Task.CompletedTask;
        }
    }

    protected override T Convert<T>(object? payload) =>
        JsonSerializer.Deserialize<T>((byte[])payload!, Options.JsonSerializerOptions)!;

    protected override void OnTopicActivated(string topic)
    {
        lock (channels)
        {
            channels[topic] = SubscribeChannelAsync(topic);
        }
    }

    protected override void OnTopicDeactivated(string topic)
    {
        Task<ChannelMessageQueue?>? task;
        lock (channels)
        {
            if (!channels.Remove(topic, out task))
            {
                return;
            }
        }

        _ = UnsubscribeChannelAsync(topic, task);
    }

    protected override async ValueTask DisposeCoreAsync()
    {
        KeyValuePair<string, Task<ChannelMessageQueue?>>[] open;
        lock (channels)
        {
            open = [.. channels];
            channels.Clear();
        }

        foreach (var (topic, task) in open)
        {
            await UnsubscribeChannelAsync(topic, task).ConfigureAwait(false);
        }

        if (ownsConnection && connection.IsValueCreated && connection.Value.IsCompletedSuccessfully)
        {
            await connection.Value.Result.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeCoreAsync().ConfigureAwait(false);
    }

    private RedisChannel ChannelOf(string topic) => RedisChannel.Literal(Options.ChannelPrefix + topic);

    private async Task<ChannelMessageQueue?> SubscribeChannelAsync(string topic)
    {
        try
        {
            var multiplexer = await connection.Value.ConfigureAwait(false);
            var queue = await multiplexer.GetSubscriber().SubscribeAsync(ChannelOf(topic)).ConfigureAwait(false);
            // Sequential handler: messages of a channel reach the subscribers in publish order.
            queue.OnMessage(message =>
            {
                if (!message.Message.IsNull)
                {
                    Deliver(topic, (byte[]?)message.Message);
                }
            });
            return queue;
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "Subscribing to Redis channel {Channel} failed; subscribers of {Topic} will see no messages.", Options.ChannelPrefix + topic, topic);
            return null;
        }
    }

    private async Task UnsubscribeChannelAsync(string topic, Task<ChannelMessageQueue?> subscription)
    {
        try
        {
            if (await subscription.ConfigureAwait(false) is { } queue)
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Logger.LogWarning(ex, "Unsubscribing from Redis channel {Channel} failed.", Options.ChannelPrefix + topic);
        }
    }
}
