using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace NbaPredict.Graph.GraphQL.Infrastructure;

/// <summary>The two response media types of the GraphQL-over-HTTP spec.</summary>
public enum GraphQLResponseMediaType
{
    /// <summary><c>application/graphql-response+json</c>: status codes tell request errors (4xx) from executed results (200).</summary>
    GraphQLResponseJson,

    /// <summary><c>application/json</c> (legacy): 200 for every well-formed GraphQL request.</summary>
    Json,
}

/// <summary>Media type names and Accept-header negotiation for GraphQL over HTTP.</summary>
public static class GraphQLMediaTypes
{
    /// <summary><c>application/graphql-response+json</c>.</summary>
    public const string GraphQLResponseJson = "application/graphql-response+json";

    /// <summary><c>application/json</c>.</summary>
    public const string Json = "application/json";

    /// <summary>Returns the <c>Content-Type</c> header value written for <paramref name="mediaType"/>.</summary>
    public static string ContentTypeOf(GraphQLResponseMediaType mediaType) => mediaType switch
    {
        GraphQLResponseMediaType.Json => Json + "; charset=utf-8",
        _ => GraphQLResponseJson + "; charset=utf-8",
    };

    /// <summary>
    /// Picks the response media type from the request's Accept header. No Accept header → graphql-response+json.
    /// Ranges are ordered by quality, then by specificity (exact type over <c>application/*</c> over <c>*/*</c>),
    /// then graphql-response+json over json. Returns <see langword="null"/> when the header names neither
    /// (the caller answers 406).
    /// </summary>
    public static GraphQLResponseMediaType? Negotiate(HttpRequest request)
    {
        var values = request.Headers.Accept;
        if (IsBlank(values))
        {
            return GraphQLResponseMediaType.GraphQLResponseJson;
        }

        if (!MediaTypeHeaderValue.TryParseList(values, out var ranges))
        {
            return null;
        }

        GraphQLResponseMediaType? best = null;
        (double Quality, int Specificity, int Preference) bestRank = default;
        foreach (var range in ranges)
        {
            var quality = range.Quality ?? 1.0;
            if (quality <= 0 || !IsUtf8OrUnspecified(range))
            {
                continue;
            }

            (GraphQLResponseMediaType Type, int Specificity)? candidate = Classify(range);
            if (candidate is not { } c)
            {
                continue;
            }

            var rank = (quality, c.Specificity, c.Type == GraphQLResponseMediaType.GraphQLResponseJson ? 1 : 0);
            if (best is null || rank.CompareTo(bestRank) > 0)
            {
                best = c.Type;
                bestRank = rank;
            }
        }

        return best;
    }

    /// <summary>
    /// <see langword="true"/> for a browser navigation: a GET without a <c>query</c> parameter whose Accept
    /// header lists <c>text/html</c>. The GraphQL handler leaves such requests to an IDE page.
    /// </summary>
    public static bool IsHtmlPageRequest(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) || request.Query.ContainsKey("query"))
        {
            return false;
        }

        var values = request.Headers.Accept;
        if (IsBlank(values) || !MediaTypeHeaderValue.TryParseList(values, out var ranges))
        {
            return false;
        }

        return ranges.Any(r => (r.Quality ?? 1.0) > 0
            && r.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
    }

    private static (GraphQLResponseMediaType, int)? Classify(MediaTypeHeaderValue range)
    {
        if (range.MediaType.Equals(GraphQLResponseJson, StringComparison.OrdinalIgnoreCase))
        {
            return (GraphQLResponseMediaType.GraphQLResponseJson, 2);
        }

        if (range.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase))
        {
            return (GraphQLResponseMediaType.Json, 2);
        }

        if (range.MatchesAllTypes)
        {
            return (GraphQLResponseMediaType.GraphQLResponseJson, 0);
        }

        if (range.MatchesAllSubTypes && range.Type.Equals("application", StringComparison.OrdinalIgnoreCase))
        {
            return (GraphQLResponseMediaType.GraphQLResponseJson, 1);
        }

        return null;
    }

    private static bool IsUtf8OrUnspecified(MediaTypeHeaderValue range) =>
        !range.Charset.HasValue
        || range.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
        || range.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);

    private static bool IsBlank(StringValues values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return false;
            }
        }

        return true;
    }
}
