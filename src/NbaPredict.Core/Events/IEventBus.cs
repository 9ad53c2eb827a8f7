namespace NbaPredict.Core.Events;

/// <summary>
/// Topic-based publish/subscribe for live updates (GraphQL subscriptions). Publishing never waits for
/// subscribers: every subscriber has its own bounded buffer that drops its oldest message when full.
/// </summary>
public interface IEventBus
{
    /// <summary>
    /// Publishes <paramref name="message"/> to everyone subscribed to <paramref name="topic"/> (on every instance
    /// sharing the bus). Completes once the message is handed to the transport, not when subscribers got it.
    /// </summary>
    ValueTask PublishAsync<T>(string topic, T message, CancellationToken cancellationToken = default);

    /// <summary>
    /// A cold stream of the messages published to <paramref name="topic"/> after each observer subscribed.
    /// Observers are called one message at a time from a background task; disposing the subscription stops
    /// delivery. <c>OnCompleted</c> is signalled when the bus shuts down. This is what GraphQL.NET's
    /// <c>ResolveStream</c> expects.
    /// </summary>
    IObservable<T> Subscribe<T>(string topic);
}
