using System.Buffers.Text;
using System.Globalization;
using System.Text;
using GraphQL;
using GraphQL.Types;
using NbaPredict.Core.Features;

namespace NbaPredict.Graph.GraphQL.Schema;

public sealed record Edge<T>(string Cursor, T Node);

public sealed record PageInfo(bool HasNextPage, bool HasPreviousPage, string? StartCursor, string? EndCursor);

/// <summary>A Relay connection over an offset page: edges with cursors, nodes, pageInfo and totalCount.</summary>
public sealed record Connection<T>(IReadOnlyList<Edge<T>> Edges, PageInfo PageInfo, int TotalCount)
{
    public IEnumerable<T> Nodes => Edges.Select(e => e.Node);
}

public static class Connection
{
    public static Connection<T> From<T>(Page<T> page)
    {
        var edges = page.Items.Select((item, i) => new Edge<T>(Cursors.Encode(page.Offset + i), item)).ToList();
        return new Connection<T>(
            edges,
            new PageInfo(page.HasNextPage, page.HasPreviousPage, edges.FirstOrDefault()?.Cursor, edges.LastOrDefault()?.Cursor),
            page.TotalCount);
    }
}

/// <summary>Opaque cursors. They encode a position, so a bad one is reported instead of silently restarting.</summary>
public static class Cursors
{
    private const string Prefix = "cursor:";

    public static string Encode(int position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Prefix + position.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The offset of the item after <paramref name="after"/>, or 0 without a cursor.</summary>
    public static int OffsetAfter(string? after)
    {
        if (after is null)
        {
            return 0;
        }

        if (after.Length is > 0 and < 64 && Base64Url.IsValid(after))
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(after));
            if (text.StartsWith(Prefix, StringComparison.Ordinal) &&
                int.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            {
                return position + 1;
            }
        }

        throw new ExecutionError($"'after' is not a valid cursor: use an edge cursor or pageInfo.endCursor from a previous page") { Code = "INVALID_CURSOR" };
    }

    public static PageRequest Page(IResolveFieldContext context)
    {
        var offset = OffsetAfter(context.GetArgument<string?>("after"));
        return PageRequest.Create(offset, context.GetArgument<int?>("first"));
    }
}

public sealed class PageInfoType : ObjectGraphType<PageInfo>
{
    public PageInfoType()
    {
        Name = "PageInfo";
        Field(p => p.HasNextPage);
        Field(p => p.HasPreviousPage);
        Field(p => p.StartCursor, nullable: true);
        Field(p => p.EndCursor, nullable: true);
    }
}

public sealed class EdgeType<TNodeType, T> : ObjectGraphType<Edge<T>>
    where TNodeType : IGraphType
{
    public EdgeType()
    {
        Name = $"{NodeName()}Edge";
        Field(e => e.Cursor);
        Field<NonNullGraphType<TNodeType>>("node").Resolve(c => c.Source.Node);
    }

    internal static string NodeName() => typeof(TNodeType).Name.EndsWith("Type", StringComparison.Ordinal)
        ? typeof(TNodeType).Name[..^4]
        : typeof(TNodeType).Name;
}

public sealed class ConnectionType<TNodeType, T> : ObjectGraphType<Connection<T>>
    where TNodeType : IGraphType
{
    public ConnectionType()
    {
        Name = $"{EdgeType<TNodeType, T>.NodeName()}Connection";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EdgeType<TNodeType, T>>>>>("edges").Resolve(c => c.Source.Edges);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TNodeType>>>>("nodes").Resolve(c => c.Source.Nodes);
        Field<NonNullGraphType<PageInfoType>>("pageInfo").Resolve(c => c.Source.PageInfo);
        Field(c => c.TotalCount).Description("How many items match, across all pages.");
    }
}
