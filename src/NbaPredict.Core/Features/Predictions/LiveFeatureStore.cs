using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Caching;
using NbaPredict.Ml.Features;

namespace NbaPredict.Core.Features.Predictions;

/// <summary>
/// A feature store holding every stored game, for predicting games after the last one (what-ifs, upcoming
/// slates) in microseconds instead of rebuilding history. Rebuilt when an import changes the data.
/// </summary>
public sealed class LiveFeatureStore(IServiceScopeFactory scopes, DataVersion dataVersion) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private FeatureStore? store;
    private long builtAtVersion = -1;

    public void Dispose() => gate.Dispose();

    /// <summary>
    /// Runs <paramref name="use"/> with exclusive access to the up-to-date store (a FeatureStore is
    /// single-threaded), or returns null when <paramref name="date"/> is not after the last stored game.
    /// </summary>
    public async Task<T?> UseAsync<T>(DateOnly date, Func<FeatureStore, T> use, CancellationToken cancellationToken)
        where T : class
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (store is null || builtAtVersion != dataVersion.Current)
            {
                var version = dataVersion.Current;
                await using var scope = scopes.CreateAsyncScope();
                var records = await scope.ServiceProvider.GetRequiredService<HistoryLoader>().LoadAsync(cancellationToken: cancellationToken);
                store = await Task.Run(() => FeatureStore.BuildHistorical(records).Store, cancellationToken);
                builtAtVersion = version;
            }

            return store.LastIngestedDate is { } last && date <= last ? null : use(store);
        }
        finally
        {
            gate.Release();
        }
    }
}
