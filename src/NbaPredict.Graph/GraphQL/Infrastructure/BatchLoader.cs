using GraphQL.DataLoader;

namespace NbaPredict.Graph.GraphQL.Infrastructure;

/// <summary>
/// A per-request batching loader. <see cref="LoadAsync(TKey)"/> only records the key; the fetch runs when
/// GraphQL.NET's executor first asks a returned <see cref="IDataLoaderResult{T}"/> for its value, and then
/// covers every key recorded so far in one call. Obtain instances from <see cref="DataLoaderContext"/>.
/// </summary>
public interface IBatchLoader<TKey, TValue>
    where TKey : notnull
{
    /// <summary>Queues <paramref name="key"/> and returns a pending result; nothing is fetched yet.</summary>
    IDataLoaderResult<TValue> LoadAsync(TKey key);

    /// <summary>Queues several keys; the result lists their values in the order given (duplicates allowed).</summary>
    IDataLoaderResult<IReadOnlyList<TValue>> LoadManyAsync(IEnumerable<TKey> keys);
}

/// <summary>
/// Batches and caches loads for one request. Each distinct key is fetched at most once per loader
/// (later loads of a key reuse its batch, including a failed or cancelled one).
/// </summary>
internal sealed class BatchLoader<TKey, TValue> : IBatchLoader<TKey, TValue>
    where TKey : notnull
{
    private readonly Func<IReadOnlyList<TKey>, CancellationToken, Task<IDictionary<TKey, TValue>>> _fetch;
    private readonly TValue _missingValue;
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, Batch> _batchOfKey;
    private Batch? _open;
    private int _fetchCount;

    public BatchLoader(
        Func<IReadOnlyList<TKey>, CancellationToken, Task<IDictionary<TKey, TValue>>> fetch,
        TValue missingValue,
        IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        _fetch = fetch;
        _missingValue = missingValue;
        _batchOfKey = new Dictionary<TKey, Batch>(comparer);
    }

    /// <summary>Fetch calls made so far (diagnostics).</summary>
    public int FetchCount => Volatile.Read(ref _fetchCount);

    public IDataLoaderResult<TValue> LoadAsync(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            return new PendingValue(Enqueue(key), key);
        }
    }

    public IDataLoaderResult<IReadOnlyList<TValue>> LoadManyAsync(IEnumerable<TKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.ToArray();
        var pending = new (Batch Batch, TKey Key)[list.Length];
        lock (_gate)
        {
            for (var i = 0; i < list.Length; i++)
            {
                pending[i] = (Enqueue(list[i]), list[i]);
            }
        }

        return new PendingValues(pending);
    }

    // Caller holds _gate.
    private Batch Enqueue(TKey key)
    {
        if (!_batchOfKey.TryGetValue(key, out var batch))
        {
            batch = _open ??= new Batch(this);
            batch.Keys.Add(key);
            _batchOfKey.Add(key, batch);
        }

        return batch;
    }

    private TValue ValueOf(IDictionary<TKey, TValue> fetched, TKey key) =>
        fetched.TryGetValue(key, out var value) ? value : _missingValue;

    /// <summary>The keys fetched together by one call; started by the first result asked for its value.</summary>
    private sealed class Batch(BatchLoader<TKey, TValue> owner)
    {
        private Task<IDictionary<TKey, TValue>>? _task;

        public List<TKey> Keys { get; } = [];

        public TValue ValueOf(IDictionary<TKey, TValue> fetched, TKey key) => owner.ValueOf(fetched, key);

        public Task<IDictionary<TKey, TValue>> GetOrStart(CancellationToken cancellationToken)
        {
            TaskCompletionSource<IDictionary<TKey, TValue>> completion;
            TKey[] keys;
            lock (owner._gate)
            {
                if (_task is not null)
                {
                    return _task;
                }

                // Close the batch: keys loaded from now on go into a new one.
                if (ReferenceEquals(owner._open, this))
                {
                    owner._open = null;
                }

                completion = new TaskCompletionSource<IDictionary<TKey, TValue>>(TaskCreationOptions.RunContinuationsAsynchronously);
                _task = completion.Task;
                keys = [.. Keys];
            }

            // The user's fetch runs outside the lock.
            _ = RunAsync(completion, keys, cancellationToken);
            return completion.Task;
        }

        private async Task RunAsync(TaskCompletionSource<IDictionary<TKey, TValue>> completion, TKey[] keys, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._fetchCount);
            try
            {
                var fetched = await owner._fetch(keys, cancellationToken).ConfigureAwait(false);
                completion.TrySetResult(fetched ?? new Dictionary<TKey, TValue>());
            }
            catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
            {
                completion.TrySetCanceled(ex.CancellationToken);
            }
            catch (Exception ex)
            {
                completion.TrySetException(ex);
            }
        }
    }

    private sealed class PendingValue(Batch batch, TKey key) : IDataLoaderResult<TValue>
    {
        public async Task<TValue> GetResultAsync(CancellationToken cancellationToken = default)
        {
            var fetched = await batch.GetOrStart(cancellationToken).ConfigureAwait(false);
            return batch.ValueOf(fetched, key);
        }

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) =>
            await GetResultAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class PendingValues((Batch Batch, TKey Key)[] pending) : IDataLoaderResult<IReadOnlyList<TValue>>
    {
        public async Task<IReadOnlyList<TValue>> GetResultAsync(CancellationToken cancellationToken = default)
        {
            // Start every batch involved before awaiting any of them.
            var started = new Dictionary<Batch, Task<IDictionary<TKey, TValue>>>(ReferenceEqualityComparer.Instance);
            foreach (var (batch, _) in pending)
            {
                if (!started.ContainsKey(batch))
                {
                    started.Add(batch, batch.GetOrStart(cancellationToken));
                }
            }

            var values = new TValue[pending.Length];
            for (var i = 0; i < pending.Length; i++)
            {
                var (batch, key) = pending[i];
                var fetched = await started[batch].ConfigureAwait(false);
                values[i] = batch.ValueOf(fetched, key);
            }

            return values;
        }

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) =>
            await GetResultAsync(cancellationToken).ConfigureAwait(false);
    }
}
