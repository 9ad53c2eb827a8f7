using System.Net.WebSockets;

namespace NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;

/// <summary>One message waiting to be written to the socket; a close request when <see cref="CloseStatus"/> is set.</summary>
internal sealed record OutgoingMessage(byte[] Body, bool IsNext, Operation? Operation)
{
    public WebSocketCloseStatus? CloseStatus { get; init; }

    public string? CloseReason { get; init; }
}

/// <summary>
/// The per-connection send queue. Producers (event observers, the receive loop) never wait: when
/// <c>capacity</c> <c>next</c> messages are queued the oldest queued <c>next</c> is dropped. Control messages are
/// always kept; if the queue still grows past twice the capacity the client is not reading and
/// <see cref="Enqueue"/> reports an overflow. A close request replaces everything still queued.
/// </summary>
internal sealed class OutgoingQueue(int capacity) : IDisposable
{
    private readonly LinkedList<OutgoingMessage> items = new();
    private readonly SemaphoreSlim available = new(0);
    private readonly Lock gate = new();
    private int queuedNext;
    private bool closed;
    private long dropped;

    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>False when the message was not queued because the queue is closed or overflowing.</summary>
    public bool Enqueue(OutgoingMessage message, out bool overflow)
    {
        overflow = false;
        lock (gate)
        {
            if (closed)
            {
                return false;
            }

            if (message.IsNext && queuedNext >= capacity)
            {
                for (var node = items.First; node is not null; node = node.Next)
                {
                    if (node.Value.IsNext)
                    {
                        items.Remove(node);
                        queuedNext--;
                        Interlocked.Increment(ref dropped);
                        available.Wait(0); // keep the semaphore count equal to the number of items
                        break;
                    }
                }
            }
            else if (items.Count >= (2 * capacity) + 16)
            {
                overflow = true;
                return false;
            }

            items.AddLast(message);
            if (message.IsNext)
            {
                queuedNext++;
            }

            available.Release();
        }

        return true;
    }

    /// <summary>Drops everything queued and queues the close frame as the last message. False when already closed.</summary>
    public bool Close(WebSocketCloseStatus status, string reason)
    {
        lock (gate)
        {
            if (closed)
            {
                return false;
            }

            closed = true;
            var discarded = items.Count;
            items.Clear();
            queuedNext = 0;
            for (var i = 0; i < discarded; i++)
            {
                available.Wait(0);
            }

            items.AddLast(new OutgoingMessage([], false, null) { CloseStatus = status, CloseReason = reason });
            available.Release();
        }

        return true;
    }

    /// <summary>Call after <see cref="Close"/> and after the reader stopped; later enqueues are refused.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            closed = true;
            items.Clear();
            available.Dispose();
        }
    }

    public bool IsClosed
    {
        get
        {
            lock (gate)
            {
                return closed;
            }
        }
    }

    public async ValueTask<OutgoingMessage> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await available.WaitAsync(cancellationToken);
            lock (gate)
            {
                // The count can run ahead of the items after a drop raced with a waiting reader: wait again then.
                if (items.First is not { } first)
                {
                    continue;
                }

                items.RemoveFirst();
                if (first.Value.IsNext)
                {
                    queuedNext--;
                }

                return first.Value;
            }
        }
    }
}
