using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Ml.Data;

namespace NbaPredict.Core.Features.Models;

public sealed record FeatureImportance(string Feature, double Importance);

/// <summary>
/// Feature importances of registered models, read from the artifact (the production model already in memory,
/// any other version loaded once) and cached per version: artifacts never change after registration.
/// </summary>
public sealed class FeatureImportanceService(IServiceScopeFactory scopes, ProductionModel production)
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<StatKind, IReadOnlyList<FeatureImportance>>> byVersion = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<FeatureImportance>> GetAsync(ModelVersion model, StatKind stat, int top, CancellationToken cancellationToken = default)
    {
        if (!byVersion.TryGetValue(model.Version, out var importances))
        {
            var bundle = production.Current is { } current && current.Version.Version == model.Version
                ? current.Bundle
                : await LoadAsync(model, cancellationToken);
            importances = StatKinds.All.ToDictionary(
                s => s,
                s => (IReadOnlyList<FeatureImportance>)bundle.FeatureImportances(s, 50).Select(f => new FeatureImportance(f.Feature, Math.Round(f.Importance, 4))).ToList());
            byVersion[model.Version] = importances;
        }

        return importances.TryGetValue(stat, out var list) ? list.Take(top).ToList() : [];
    }

    private async Task<Ml.Modeling.ModelBundle> LoadAsync(ModelVersion model, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<ModelRegistryService>();
        return await registry.LoadBundleAsync(model, cancellationToken);
    }
}
