using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Caching;
using NbaPredict.Core.Data;
using NbaPredict.Core.Features.Models;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Core.Features.Insights;

/// <summary>
/// Rebuilds the feature vectors stored predictions were made from (history strictly before the game's date), and
/// the model bundles that made them. The store of the last date asked for is kept, so a page of insights for one
/// day rebuilds history once; a FeatureStore is single-threaded, hence the gate.
/// </summary>
public sealed class InsightInputs(IServiceScopeFactory scopes, ProductionModel production, DataVersion dataVersion) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ConcurrentDictionary<string, ModelBundle> bundles = new(StringComparer.Ordinal);
    private (DateOnly Date, long DataVersion, FeatureStore Store)? last;

    public void Dispose() => gate.Dispose();

    /// <summary>
    /// The feature vectors of <paramref name="queries"/> on <paramref name="date"/>; a query whose entry in
    /// <paramref name="unavailable"/> is a list is written with it, as the slate was.
    /// </summary>
    public async Task<float[][]> FeaturizeAsync(DateOnly date, IReadOnlyList<PlayerGameQuery> queries, IReadOnlyList<int[]?> unavailable, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var version = dataVersion.Current;
            if (last is not { } cached || cached.Date != date || cached.DataVersion != version)
            {
                await using var scope = scopes.CreateAsyncScope();
                var records = await scope.ServiceProvider.GetRequiredService<HistoryLoader>().LoadAsync(before: date, cancellationToken);
                last = (date, version, await Task.Run(() => FeatureStore.FromHistory(records), cancellationToken));
            }

            var matrix = last.Value.Store.FeaturizeSlate(queries, unavailable);
            return [.. Enumerable.Range(0, matrix.Rows).Select(i => matrix.Row(i).ToArray())];
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The bundle of a model version: the production model in memory, any other loaded once.</summary>
    public async Task<ModelBundle> BundleAsync(string version, CancellationToken cancellationToken)
    {
        if (production.Current is { } current && current.Version.Version == version)
        {
            return current.Bundle;
        }

        if (bundles.TryGetValue(version, out var bundle))
        {
            return bundle;
        }

        await using var scope = scopes.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<ModelRegistryService>();
        var model = await registry.GetAsync(version, cancellationToken)
            ?? throw new DomainException("MODEL_NOT_FOUND", $"model '{version}' that made this prediction is no longer registered");
        return bundles.GetOrAdd(version, await registry.LoadBundleAsync(model, cancellationToken));
    }
}

/// <summary>Every known player's name, for the grounding check (reloaded after imports).</summary>
public sealed class InsightPlayerNames(IDbContextFactory<NbaDbContext> contexts, DataVersion dataVersion)
{
    private (long Version, IReadOnlyList<string> Names)? cached;

    public async Task<IReadOnlyList<string>> GetAsync(CancellationToken cancellationToken)
    {
        var version = dataVersion.Current;
        if (cached is { } c && c.Version == version)
        {
            return c.Names;
        }

        await using var db = contexts.CreateDbContext();
        var names = await db.Players.AsNoTracking().Select(p => p.Name).Distinct().ToListAsync(cancellationToken);
        cached = (version, names);
        return names;
    }
}
