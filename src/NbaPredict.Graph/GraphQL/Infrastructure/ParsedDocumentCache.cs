using System.Diagnostics.CodeAnalysis;
using GraphQL;
using GraphQL.DI;
using GraphQL.Execution;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace NbaPredict.Graph.GraphQL.Infrastructure;

/// <summary>Options of <see cref="ParsedDocumentCache"/>.</summary>
public sealed class ParsedDocumentCacheOptions
{
    /// <summary>Most documents kept; the least recently used one is evicted beyond it. Default 500; 0 disables caching.</summary>
    public int Capacity { get; set; } = 500;

    /// <summary>Queries longer than this many characters are parsed but not cached. Default 32 Ki.</summary>
    public int MaxCachedQueryLength { get; set; } = 32 * 1024;
}

/// <summary>
/// A bounded, thread-safe LRU cache of parsed <see cref="GraphQLDocument"/>s keyed by the exact query text.
/// Only parsing is skipped on a hit: validation still runs for every request, so per-request validation
/// rules keep working. Parse failures are not cached.
/// </summary>
public sealed class ParsedDocumentCache
{
    private readonly IDocumentBuilder _documentBuilder;
    private readonly int _capacity;
    private readonly int _maxCachedQueryLength;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<KeyValuePair<string, GraphQLDocument>>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<KeyValuePair<string, GraphQLDocument>> _recency = new();
    private long _hits;
    private long _misses;

    /// <summary>Creates the cache; <paramref name="documentBuilder"/> parses on a miss (the same builder the executer uses).</summary>
    public ParsedDocumentCache(IDocumentBuilder documentBuilder, IOptions<ParsedDocumentCacheOptions> options)
    {
        ArgumentNullException.ThrowIfNull(documentBuilder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Value.Capacity);
        _documentBuilder = documentBuilder;
        _capacity = options.Value.Capacity;
        _maxCachedQueryLength = options.Value.MaxCachedQueryLength;
    }

    /// <summary>Most entries kept.</summary>
    public int Capacity => _capacity;

    /// <summary>Entries currently cached.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _map.Count;
            }
        }
    }

    /// <summary>Lookups answered from the cache since start.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that had to parse since start.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Looks up <paramref name="query"/>, marking it most recently used.</summary>
    public bool TryGet(string query, [NotNullWhen(true)] out GraphQLDocument? document)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            if (_map.TryGetValue(query, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                document = node.Value.Value;
                return true;
            }
        }

        document = null;
        return false;
    }

    /// <summary>Stores <paramref name="document"/> for <paramref name="query"/>, evicting the least recently used entry if full.</summary>
    public void Set(string query, GraphQLDocument document)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(document);
        if (_capacity == 0 || query.Length > _maxCachedQueryLength)
        {
            return;
        }

        lock (_gate)
        {
            if (_map.TryGetValue(query, out var existing))
            {
                _recency.Remove(existing);
                _map.Remove(query);
            }

            var node = _recency.AddFirst(new KeyValuePair<string, GraphQLDocument>(query, document));
            _map[query] = node;
            while (_map.Count > _capacity && _recency.Last is { } last)
            {
                _recency.RemoveLast();
                _map.Remove(last.Value.Key);
            }
        }
    }

    /// <summary>
    /// Returns the cached document for <paramref name="query"/> or parses and caches it.
    /// Parsing happens outside the lock; a syntax error throws GraphQL.NET's <see cref="SyntaxError"/>
    /// (an <see cref="ExecutionError"/>) and nothing is cached.
    /// </summary>
    public GraphQLDocument GetOrParse(string query)
    {
        if (TryGet(query, out var cached))
        {
            Interlocked.Increment(ref _hits);
            return cached;
        }

        Interlocked.Increment(ref _misses);
        var document = _documentBuilder.Build(query);
        Set(query, document);
        return document;
    }

    /// <summary>Removes every entry (hit/miss counters are kept).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _map.Clear();
            _recency.Clear();
        }
    }
}

/// <summary>
/// Plugs <see cref="ParsedDocumentCache"/> into GraphQL.NET 8's execution pipeline: every
/// <see cref="IDocumentExecuter"/> call whose <see cref="ExecutionOptions.Document"/> is not set gets it from the cache.
/// Registered as an <see cref="IConfigureExecution"/>; <see cref="DocumentExecuter"/> picks up all of them from DI.
/// </summary>
public sealed class ParsedDocumentCacheExecution : IConfigureExecution
{
    private readonly ParsedDocumentCache _cache;

    /// <summary>Creates the configuration over <paramref name="cache"/>.</summary>
    public ParsedDocumentCacheExecution(ParsedDocumentCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
    }

    /// <summary>After the option configurations (100), before the executer parses.</summary>
    public float SortOrder => 200;

    /// <inheritdoc/>
    public Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(next);
        if (options.Document is null && options.Query is { Length: > 0 } query)
        {
            // A SyntaxError thrown here is an ExecutionError: DocumentExecuter turns it into a result.
            options.Document = _cache.GetOrParse(query);
        }

        return next(options);
    }
}
