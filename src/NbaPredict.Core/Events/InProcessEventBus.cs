using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NbaPredict.Core.Events;

/// <summary>The default bus: messages reach the subscribers of this process only, as the published object.</summary>
public sealed class InProcessEventBus : EventBus
{
    public InProcessEventBus(EventBusOptions? options = null, ILogger<InProcessEventBus>? logger = null)
        : base(options ?? new EventBusOptions(), (ILogger?)logger ?? NullLogger.Instance)
    {
    }

    public override ValueTask PublishAsync<T>(string topic, T message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        Deliver(topic, message);
        return ValueTask.CompletedTask;
    }

    protected override T Convert<T>(object? payload) => (T)payload!;
}
