using Microsoft.Extensions.DependencyInjection;

namespace NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;

/// <summary>One running operation of a connection: its cancellation, service scope and stream subscription.</summary>
internal sealed class Operation(string id, AsyncServiceScope scope) : IDisposable
{
    private readonly CancellationTokenSource cancellation = new();
    private IDisposable? subscription;
    private int stopped;
    private int counted;
    private volatile bool abandoned;

    public string Id { get; } = id;

    public IServiceProvider Services => scope.ServiceProvider;

    public CancellationToken Token => cancellation.Token;

    /// <summary>Set once the operation ended (client <c>complete</c>, stream end, disconnect): send nothing more for it.</summary>
    public bool IsStopped => Volatile.Read(ref stopped) != 0;

    /// <summary>Set when the client completed the operation or the connection is closing: drop its queued messages too.</summary>
    public bool IsAbandoned => abandoned;

    /// <summary>Stops the operation and marks its queued messages as unwanted.</summary>
    public void Abandon()
    {
        abandoned = true;
        Dispose();
    }

    /// <summary>Keeps the stream subscription, or disposes it at once when the operation already stopped.</summary>
    public void Attach(IDisposable streamSubscription)
    {
        Interlocked.Exchange(ref subscription, streamSubscription);
        if (Interlocked.Exchange(ref counted, 1) == 0)
        {
            NbaPredict.Graph.Observability.GraphQLTelemetry.OpenSubscriptions.Add(1);
        }

        if (IsStopped)
        {
            Interlocked.Exchange(ref subscription, null)?.Dispose();
            Uncount();
        }
    }

    /// <summary>Takes the operation off the open-subscriptions gauge, once, whichever of attach and stop runs last.</summary>
    private void Uncount()
    {
        if (Interlocked.Exchange(ref counted, 0) == 1)
        {
            NbaPredict.Graph.Observability.GraphQLTelemetry.OpenSubscriptions.Add(-1);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref stopped, 1) != 0)
        {
            return;
        }

        try
        {
            cancellation.Cancel();
        }
        catch (AggregateException)
        {
            // A callback on the token failed; the operation is ending anyway.
        }

        Interlocked.Exchange(ref subscription, null)?.Dispose();
        Uncount();
        _ = scope.DisposeAsync().AsTask();
    }
}
