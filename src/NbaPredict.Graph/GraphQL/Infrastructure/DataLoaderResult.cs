using GraphQL.DataLoader;

namespace NbaPredict.Graph.GraphQL.Infrastructure;

/// <summary>Helpers to build and chain <see cref="IDataLoaderResult{T}"/> values.</summary>
public static class DataLoaderResult
{
    /// <summary>An already available value, for resolvers that sometimes skip the loader.</summary>
    public static IDataLoaderResult<T> FromValue<T>(T value) => new CompletedDataLoaderResult<T>(value);

    /// <summary>
    /// Maps the loaded value once it is available. The selector runs at most once, when the executor
    /// asks for the result; it may itself return another <see cref="IDataLoaderResult"/> (the executor
    /// then waits for that one in a later batch round).
    /// </summary>
    public static IDataLoaderResult<TResult> Then<T, TResult>(this IDataLoaderResult<T> source, Func<T, TResult> selector)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(selector);
        return new Continuation<T, TResult>(source, (value, _) => Task.FromResult(selector(value)));
    }

    /// <summary>Like <see cref="Then{T, TResult}(IDataLoaderResult{T}, Func{T, TResult})"/> with an asynchronous selector.</summary>
    public static IDataLoaderResult<TResult> Then<T, TResult>(
        this IDataLoaderResult<T> source, Func<T, CancellationToken, Task<TResult>> selector)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(selector);
        return new Continuation<T, TResult>(source, selector);
    }

    private sealed class Continuation<T, TResult>(IDataLoaderResult<T> source, Func<T, CancellationToken, Task<TResult>> selector)
        : IDataLoaderResult<TResult>
    {
        private readonly Lock _gate = new();
        private Task<TResult>? _task;

        public Task<TResult> GetResultAsync(CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                return _task ??= RunAsync(cancellationToken);
            }
        }

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) =>
            await GetResultAsync(cancellationToken).ConfigureAwait(false);

        private async Task<TResult> RunAsync(CancellationToken cancellationToken)
        {
            // Leave the lock before running user code.
            await Task.Yield();
            var value = await source.GetResultAsync(cancellationToken).ConfigureAwait(false);
            return await selector(value, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// An <see cref="IDataLoaderResult{T}"/> whose value is already known (same name as the class of the
/// GraphQL.DataLoader package, which this project does not use).
/// </summary>
public sealed class CompletedDataLoaderResult<T> : IDataLoaderResult<T>
{
    private readonly T _value;

    /// <summary>Wraps <paramref name="value"/>.</summary>
    public CompletedDataLoaderResult(T value) => _value = value;

    /// <inheritdoc/>
    public Task<T> GetResultAsync(CancellationToken cancellationToken = default) => Task.FromResult(_value);

    Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => Task.FromResult<object?>(_value);
}
