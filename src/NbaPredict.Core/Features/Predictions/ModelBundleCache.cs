using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Features.Models;

namespace NbaPredict.Core.Features.Predictions;

/// <summary>
/// Loaded model bundles by version, beside the production model: an experiment serves several versions at once and
/// every one of them stays in memory while it is used. A version that fails to load is not remembered, so a fixed
/// artifact is picked up on the next request.
/// </summary>
public sealed class ModelBundleCache(IServiceScopeFactory scopes, ProductionModel production)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<LoadedModel>>> loaded = new(StringComparer.Ordinal);

    public async Task<LoadedModel> GetAsync(string version, CancellationToken cancellationToken = default)
    {
        if (production.Current is { } current && current.Version.Version == version)
        {
            return current;
        }

        var entry = loaded.GetOrAdd(version, v => new Lazy<Task<LoadedModel>>(() => LoadAsync(v)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (entry.Value.IsFaulted)
        {
            loaded.TryRemove(new KeyValuePair<string, Lazy<Task<LoadedModel>>>(version, entry));
            throw;
        }
    }

    /// <summary>Drops bundles no longer needed (every version not in <paramref name="keep"/>).</summary>
    public void Retain(IReadOnlyCollection<string> keep)
    {
        foreach (var version in loaded.Keys.Where(v => !keep.Contains(v)))
        {
            loaded.TryRemove(version, out _);
        }
    }

    private async Task<LoadedModel> LoadAsync(string version)
    {
        await using var scope = scopes.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<ModelRegistryService>();
        var model = await registry.GetAsync(version)
            ?? throw new DomainException("MODEL_NOT_FOUND", $"no model version '{version}' in the registry");
        var bundle = await registry.LoadBundleAsync(model, CancellationToken.None);
        return new LoadedModel(model, bundle);
    }
}
