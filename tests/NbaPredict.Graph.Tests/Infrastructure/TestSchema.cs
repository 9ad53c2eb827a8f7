using System.Collections.Concurrent;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Graph.GraphQL.Infrastructure;

namespace NbaPredict.Graph.Tests.Infrastructure;

internal sealed record Item(int Id);

internal sealed record Child(int Id, int ParentId);

/// <summary>Backing "database" of the test schema; records every batch fetch.</summary>
internal sealed class ChildStore
{
    private readonly ConcurrentQueue<int[]> _childCalls = new();
    private readonly ConcurrentQueue<int[]> _ownerCalls = new();

    public IReadOnlyList<int[]> ChildCalls => [.. _childCalls];

    public IReadOnlyList<int[]> OwnerCalls => [.. _ownerCalls];

    /// <summary>Items whose id is a multiple of 3 have no children; the others have two.</summary>
    public async Task<ILookup<int, Child>> ChildrenOfAsync(IReadOnlyList<int> parentIds, CancellationToken cancellationToken)
    {
        _childCalls.Enqueue([.. parentIds]);
        await Task.Delay(5, cancellationToken);
        return parentIds
            .Where(id => id % 3 != 0)
            .SelectMany(id => new[] { new Child((id * 10) + 1, id), new Child((id * 10) + 2, id) })
            .ToLookup(c => c.ParentId);
    }

    /// <summary>Only even items have an owner.</summary>
    public Task<IDictionary<int, string>> OwnersOfAsync(IReadOnlyList<int> itemIds, CancellationToken cancellationToken)
    {
        _ownerCalls.Enqueue([.. itemIds]);
        IDictionary<int, string> owners = itemIds.Where(id => id % 2 == 0).ToDictionary(id => id, id => $"owner-{id}");
        return Task.FromResult(owners);
    }
}

internal sealed class ChildType : ObjectGraphType<Child>
{
    public ChildType()
    {
        Name = "Child";
        Field<NonNullGraphType<IntGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<IntGraphType>>("parentId").Resolve(c => c.Source.ParentId);
    }
}

internal sealed class ItemType : ObjectGraphType<Item>
{
    public ItemType()
    {
        Name = "Item";
        Field<NonNullGraphType<IntGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ChildType>>>>("children").Resolve(c =>
        {
            var store = c.RequestServices!.GetRequiredService<ChildStore>();
            return c.DataLoaders()
                .GetOrAddCollectionBatchLoader<int, Child>("children", store.ChildrenOfAsync)
                .LoadAsync(c.Source.Id);
        });
        Field<StringGraphType>("owner").Resolve(c => LoadOwner(c));
        Field<StringGraphType>("ownerShout").Resolve(c => LoadOwner(c).Then(owner => owner?.ToUpperInvariant()));
    }

    private static IDataLoaderResult<string?> LoadOwner(IResolveFieldContext<Item> c)
    {
        var store = c.RequestServices!.GetRequiredService<ChildStore>();
        return c.DataLoaders()
            .GetOrAddBatchLoader<int, string>("owners", store.OwnersOfAsync)
            .LoadAsync(c.Source.Id);
    }
}

internal sealed class TestQuery : ObjectGraphType
{
    public const string SecretMessage = "secret: Password=hunter2";

    public TestQuery()
    {
        Name = "Query";
        Field<StringGraphType>("hello")
            .Argument<StringGraphType>("name")
            .Resolve(c => $"Hello, {c.GetArgument<string?>("name") ?? "world"}");
        Field<ListGraphType<NonNullGraphType<ItemType>>>("items")
            .Argument<IntGraphType>("count", a => a.DefaultValue = 3)
            .Resolve(c => Enumerable.Range(1, c.GetArgument<int>("count")).Select(id => new Item(id)).ToList());
        Field<ListGraphType<NonNullGraphType<ItemType>>>("itemsWithIds")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<IntGraphType>>>>("ids")
            .Resolve(c => c.GetArgument<List<int>>("ids").Select(id => new Item(id)).ToList());
        Field<StringGraphType>("slow").ResolveAsync(async c =>
        {
            await Task.Delay(Timeout.Infinite, c.CancellationToken);
            return "never";
        });
        Field<StringGraphType>("boom").Resolve(_ => throw new InvalidOperationException(SecretMessage));
        Field<StringGraphType>("deliberate").Resolve(_ =>
            throw new ExecutionError("You may not see this field.") { Code = "FORBIDDEN" });
    }
}

internal sealed class TestMutation : ObjectGraphType
{
    public TestMutation()
    {
        Name = "Mutation";
        Field<StringGraphType>("setGreeting")
            .Argument<NonNullGraphType<StringGraphType>>("text")
            .Resolve(c => c.GetArgument<string>("text"));
    }
}

internal sealed class TestSchema : Schema
{
    public TestSchema(IServiceProvider services)
        : base(services)
    {
        Query = services.GetRequiredService<TestQuery>();
        Mutation = services.GetRequiredService<TestMutation>();
    }
}
