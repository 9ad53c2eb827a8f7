namespace NbaPredict.Core.Features;

/// <summary>A page of results plus the total that matched, for cursor connections.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Offset, int TotalCount)
{
    public bool HasNextPage => Offset + Items.Count < TotalCount;
    public bool HasPreviousPage => Offset > 0;
}

/// <summary>A request for one page, validated: offset from 0, size 1..<see cref="MaxPageSize"/>.</summary>
public readonly record struct PageRequest(int Offset, int Size)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static PageRequest Create(int offset, int? size)
    {
        var take = size ?? DefaultPageSize;
        if (take is < 0 or > MaxPageSize)
        {
            throw new DomainException("INVALID_PAGE_SIZE", $"'first' must be between 0 and {MaxPageSize}; got {take}");
        }

        if (offset < 0)
        {
            throw new DomainException("INVALID_CURSOR", "cursor points before the first item");
        }

        return new PageRequest(offset, take);
    }
}

/// <summary>A request the domain refuses, with a stable machine-readable code and a message for people.</summary>
public sealed class DomainException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
