using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GraphQL;
using Microsoft.Extensions.Options;

namespace NbaPredict.Graph.GraphQL.Infrastructure;

public sealed class PersistedQueryOptions
{
    /// <summary>How many client-registered documents are remembered; known documents do not count.</summary>
    public int Capacity { get; set; } = 2_000;

    /// <summary>When false, only the known documents can be used by hash (a locked-down allow list).</summary>
    public bool AllowRegistration { get; set; } = true;

    /// <summary>Documents the server knows from the start, such as those the docs and the dashboard use.</summary>
    public IList<string> KnownDocuments { get; } = [];
}

/// <summary>
/// Automatic persisted queries in Apollo's style: a client sends <c>extensions.persistedQuery.sha256Hash</c>
/// alone; if the server does not know that hash it answers <c>PersistedQueryNotFound</c> and the client sends the
/// document once with its hash, which is verified and remembered.
/// </summary>
public sealed class PersistedQueryStore
{
    public const string NotFoundMessage = "PersistedQueryNotFound";

    private readonly ConcurrentDictionary<string, string> known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> registered = new(StringComparer.Ordinal);
    private readonly PersistedQueryOptions options;

    public PersistedQueryStore(IOptions<PersistedQueryOptions> options)
    {
        this.options = options.Value;
        foreach (var document in this.options.KnownDocuments)
        {
            known[Hash(document)] = document;
        }
    }

    public int RegisteredCount => registered.Count;

    public static string Hash(string document) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));

    internal static bool HasPersistedQueryExtension(Inputs? extensions) =>
        extensions is not null && extensions.TryGetValue("persistedQuery", out var value) && value is IDictionary<string, object?>;

    internal (GraphQLHttpRequest? Request, GraphQLHttpProblem? Problem) Resolve(GraphQLHttpRequest request)
    {
        if (request.Extensions is null || !request.Extensions.TryGetValue("persistedQuery", out var value) || value is not IDictionary<string, object?> persisted)
        {
            return (request, null);
        }

        if (!persisted.TryGetValue("version", out var version) || Convert.ToString(version, System.Globalization.CultureInfo.InvariantCulture) != "1")
        {
            return (null, GraphQLHttpRequestReader.BadRequest("PERSISTED_QUERY_VERSION", "persistedQuery.version must be 1."));
        }

        if (!persisted.TryGetValue("sha256Hash", out var hashValue) || hashValue is not string hash || hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
        {
            return (null, GraphQLHttpRequestReader.BadRequest("PERSISTED_QUERY_INVALID_HASH", "persistedQuery.sha256Hash must be 64 lower-case hex digits (SHA-256 of the document)."));
        }

        if (string.IsNullOrEmpty(request.Query))
        {
            return known.TryGetValue(hash, out var document) || registered.TryGetValue(hash, out document)
                ? (request with { Query = document }, null)
                : (null, new GraphQLHttpProblem(StatusCodes.Status200OK, "PERSISTED_QUERY_NOT_FOUND", NotFoundMessage));
        }

        if (!string.Equals(Hash(request.Query), hash, StringComparison.Ordinal))
        {
            return (null, GraphQLHttpRequestReader.BadRequest("PERSISTED_QUERY_HASH_MISMATCH", "persistedQuery.sha256Hash is not the SHA-256 of the query sent with it."));
        }

        if (options.AllowRegistration && !known.ContainsKey(hash))
        {
            if (registered.Count >= options.Capacity)
            {
                // Bounded memory: forget an arbitrary entry; its client re-registers on its next PersistedQueryNotFound.
                foreach (var key in registered.Keys.Take(Math.Max(1, options.Capacity / 10)))
                {
                    registered.TryRemove(key, out _);
                }
            }

            registered[hash] = request.Query;
        }

        return (request, null);
    }
}
