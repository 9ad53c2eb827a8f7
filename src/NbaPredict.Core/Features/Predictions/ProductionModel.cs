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

    /// <summary>
    /// Loads and checks a model's artifact without serving it, so a promotion can be refused before the registry
    /// changes: a missing or corrupt artifact, or one built for other features, is a domain error.
    /// </summary>
    public static async Task<ModelBundle> LoadBundleAsync(string directory, string version, CancellationToken cancellationToken)
    {
        try
        {
            return await Task.Run(() => ModelBundle.Load(directory), cancellationToken);
        }
        catch (FeatureSchemaMismatchException ex)
        {
            throw new DomainException("MODEL_SCHEMA_MISMATCH", $"model '{version}' was built for another feature schema: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new DomainException("MODEL_ARTIFACT_INVALID", $"model '{version}' has no loadable artifact at '{directory}': {ex.Message}");
        }
    }

    /// <summary>Starts serving an already loaded model at once (used right after a promotion in this process).</summary>
    public void Serve(ModelVersion version, ModelBundle bundle)
    {
        current = new LoadedModel(version, bundle);
        lastCheck = time.GetUtcNow();
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

            try
            {
                var bundle = await registry.LoadBundleAsync(production, cancellationToken);
                current = new LoadedModel(production, bundle);
                logger.LogInformation("Serving model {Version} (feature schema {Schema})", production.Version, production.FeatureSchemaVersion);
            }
            catch (DomainException ex)
            {
                // Keep serving the model we have; a model that cannot be loaded or was built for other features is never used.
                logger.LogError("Refusing production model {Version}: {Reason}", production.Version, ex.Message);
            }
        }
        finally
        {
            loading.Release();
        }
    }
}
