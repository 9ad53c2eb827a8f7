using GraphQL;
using NbaPredict.Graph.GraphQL.Infrastructure;

namespace NbaPredict.Graph.GraphQL.Schema;

internal static class ResolveContextExtensions
{
    public static T Service<T>(this IResolveFieldContext context)
        where T : notnull =>
        context.RequestServices!.GetRequiredService<T>();

    public static DataLoaderContext Loaders(this IResolveFieldContext context) =>
        context.Service<DataLoaderContext>();
}
