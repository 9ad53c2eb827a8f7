using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Models;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Core.Features.Predictions;

public sealed record LoadedModel(ModelVersion Version, ModelBundle Bundle);

/// <summary>
/// The production model held in memory. A request takes one reference and uses it to the end, and a new
/// model is loaded completely before the reference is swapped, so a promotion never fails or mixes a request.
/// The registry is re-checked at most every few seconds, so promotions made by other processes are picked up.
/// </summary>
public sealed class ProductionModel(IServiceScopeFactory scopes, TimeProvider time, ILogger<ProductionModel> logger) : IDisposable
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim loading = new(1, 1);
    private volatile LoadedModel? current;
    private DateTimeOffset lastCheck = DateTimeOffset.MinValue;

    public LoadedModel? Current => current;

    public void Dispose() => loading.Dispose();

    public async Task<LoadedModel?> GetAsync(CancellationToken cancellationToken = default)
    {
        if (current is not null && time.GetUtcNow() - lastCheck < RecheckInterval)
        {
            return current;
        }

        await RefreshAsync(force: false, cancellationToken);
        return current;
    }

    /// <summary>Loads the registry's production model if it differs from the one held; call after promoting.</summary>
    public async Task RefreshAsync(bool force = true, CancellationToken cancellationToken = default)
    {
        await loading.WaitAsync(cancellationToken);
        try
        {
            if (!force && current is not null && time.GetUtcNow() - lastCheck < RecheckInterval)
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var registry = scope.ServiceProvider.GetRequiredService<ModelRegistryService>();
            var production = await registry.GetProductionAsync(cancellationToken);
            lastCheck = time.GetUtcNow();
            if (production is null || production.Version == current?.Version.Version)
            {
                return;
            }

            var directory = registry.ArtifactDirectory(production);
            try
            {
                var bundle = await Task.Run(() => ModelBundle.Load(directory), cancellationToken);
                current = new LoadedModel(production, bundle);
                logger.LogInformation("Serving model {Version} (feature schema {Schema})", production.Version, production.FeatureSchemaVersion);
            }
            catch (FeatureSchemaMismatchException ex)
            {
                // Keep serving the model we have; a model built for other features must never be used.
                logger.LogError("Refusing production model {Version}: {Reason}", production.Version, ex.Message);
            }
        }
        finally
        {
            loading.Release();
        }
    }
}
