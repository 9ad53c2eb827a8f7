using System.Text.Json;

namespace NbaPredict.Core.Events;

/// <summary>Settings shared by <see cref="InProcessEventBus"/> and <see cref="RedisEventBus"/>.</summary>
public sealed class EventBusOptions
{
    /// <summary>Default for <see cref="SubscriberBufferCapacity"/>.</summary>
    public const int DefaultSubscriberBufferCapacity = 256;

    /// <summary>Prefix of the Redis pub/sub channel of a topic: <c>nbapredict:&lt;topic&gt;</c>.</summary>
    public const string DefaultChannelPrefix = "nbapredict:";

    /// <summary>
    /// Messages buffered per subscriber. When a subscriber falls this far behind, its oldest buffered message is
    /// dropped (and counted in <see cref="EventBus.DroppedMessages"/>) instead of slowing anyone else down.
    /// </summary>
    public int SubscriberBufferCapacity { get; set; } = DefaultSubscriberBufferCapacity;

    /// <summary>Prefix of Redis channel names; topics are appended to it.</summary>
    public string ChannelPrefix { get; set; } = DefaultChannelPrefix;

    /// <summary>How messages are written to and read from Redis (web defaults: camelCase, case-insensitive).</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);
}
