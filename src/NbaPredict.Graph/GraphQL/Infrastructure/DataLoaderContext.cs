using System.Collections.Concurrent;
using GraphQL;
using Microsoft.Extensions.DependencyInjection;

namespace NbaPredict.Graph.GraphQL.Infrastructure;

/// <summary>
/// The data loaders of one request (register as a scoped service; <c>AddGraphQLInfrastructure</c> does).
/// Loaders are identified by name: the first call for a name creates the loader with its fetch delegate,
/// later calls return the same instance, so every resolver of the request shares its batches and cache.
/// Thread-safe: GraphQL.NET resolves sibling fields in parallel.
/// </summary>
public sealed class DataLoaderContext
{
    private readonly ConcurrentDictionary<(string Name, bool Collection), object> _loaders = new();

    /// <summary>
    /// Gets or creates the loader <paramref name="name"/> whose <paramref name="fetch"/> maps a batch of distinct
    /// keys to values. A key missing from the returned dictionary resolves to <c>default</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The name is already used with other key or value types.</exception>
    public IBatchLoader<TKey, TValue?> GetOrAddBatchLoader<TKey, TValue>(
        string name,
        Func<IReadOnlyList<TKey>, CancellationToken, Task<IDictionary<TKey, TValue>>> fetch)
        where TKey : notnull
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(fetch);
        var loader = _loaders.GetOrAdd(
            (name, false),
            // Nullable annotations do not exist at run time: the loader is an IBatchLoader<TKey, TValue?> too.
            static (_, f) => new BatchLoader<TKey, TValue>(f, default!),
            fetch);
        return loader as IBatchLoader<TKey, TValue?> ?? throw TypeClash(name, loader);
    }

    /// <summary>
    /// Gets or creates the one-to-many loader <paramref name="name"/>: <paramref name="fetch"/> maps a batch of
    /// distinct keys to a lookup; a key without values resolves to an empty collection.
    /// </summary>
    /// <exception cref="InvalidOperationException">The name is already used with other key or value types.</exception>
    public IBatchLoader<TKey, IEnumerable<TValue>> GetOrAddCollectionBatchLoader<TKey, TValue>(
        string name,
        Func<IReadOnlyList<TKey>, CancellationToken, Task<ILookup<TKey, TValue>>> fetch)
        where TKey : notnull
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(fetch);
        var loader = _loaders.GetOrAdd(
            (name, true),
            static (_, f) => new BatchLoader<TKey, IEnumerable<TValue>>(
                async (keys, ct) =>
                {
                    var lookup = await f(keys, ct).ConfigureAwait(false);
                    var byKey = new Dictionary<TKey, IEnumerable<TValue>>();
                    if (lookup is not null)
                    {
                        foreach (var group in lookup)
                        {
                            byKey[group.Key] = group.ToArray();
                        }
                    }

                    return byKey;
                },
                Array.Empty<TValue>()),
            fetch);
        return loader as IBatchLoader<TKey, IEnumerable<TValue>> ?? throw TypeClash(name, loader);
    }

    private static InvalidOperationException TypeClash(string name, object existing) =>
        new($"The data loader '{name}' is already registered as {existing.GetType().Name} with other key or value types.");
}

/// <summary>Access to the request's <see cref="DataLoaderContext"/> from resolvers.</summary>
public static class DataLoaderResolveFieldContextExtensions
{
    /// <summary>
    /// Returns the scoped <see cref="DataLoaderContext"/> from <see cref="IResolveFieldContext.RequestServices"/>
    /// (the HTTP handler sets it to <c>HttpContext.RequestServices</c>).
    /// </summary>
    public static DataLoaderContext DataLoaders(this IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.RequestServices
            ?? throw new InvalidOperationException("ExecutionOptions.RequestServices is not set; data loaders need the request's service scope.");
        return services.GetRequiredService<DataLoaderContext>();
    }
}
