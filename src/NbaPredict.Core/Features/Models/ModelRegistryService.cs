using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Features.Models;

/// <summary>
/// The model registry: artifacts live under <c>NBAPREDICT_DATA_DIR/models/&lt;version&gt;</c> (copied to and from the
/// configured <see cref="IModelArtifactStore"/>), metadata in the database. Exactly one version is in production at
/// a time; promoting archives the previous one.
/// </summary>
public sealed class ModelRegistryService(IDbContextFactory<NbaDbContext> contexts, NbaPredictSettings settings, Predictions.ProductionModel production, Events.IEventBus events, IModelArtifactStore artifacts)
{
    public string ModelsDirectory => Path.Combine(settings.DataDirectory, "models");

    public string ArtifactDirectory(ModelVersion model) => Path.Combine(ModelsDirectory, model.ArtifactPath);

    /// <summary>
    /// <see cref="ArtifactDirectory"/>, fetched from the artifact store first when this instance has no copy (the
    /// version was trained on another machine). Everything that loads a bundle goes through here.
    /// </summary>
    public async Task<string> LocalArtifactDirectoryAsync(ModelVersion model, CancellationToken cancellationToken = default)
    {
        var directory = ArtifactDirectory(model);
        await artifacts.EnsureLocalAsync(model.Version, directory, cancellationToken);
        return directory;
    }

    /// <summary>Loads <paramref name="model"/>'s bundle from its local copy, fetching that first when needed.</summary>
    public async Task<Ml.Modeling.ModelBundle> LoadBundleAsync(ModelVersion model, CancellationToken cancellationToken = default) =>
        await Predictions.ProductionModel.LoadBundleAsync(await LocalArtifactDirectoryAsync(model, cancellationToken), model.Version, cancellationToken);

    /// <summary>A new, unused version name based on the UTC time, e.g. <c>m20261124-171500</c>.</summary>
    public static string NewVersionName(DateTimeOffset now) =>
        "m" + now.UtcDateTime.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<ModelVersion> RegisterAsync(ModelVersion model, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(ArtifactDirectory(model)))
        {
            throw new DomainException("MODEL_ARTIFACT_MISSING", $"model artifact folder '{ArtifactDirectory(model)}' does not exist");
        }

        await using var db = contexts.CreateDbContext();
        if (await db.ModelVersions.AnyAsync(m => m.Version == model.Version, cancellationToken))
        {
            throw new DomainException("MODEL_VERSION_EXISTS", $"model version '{model.Version}' is already registered");
        }

        model.Stage = ModelStage.Candidate;
        db.ModelVersions.Add(model);
        await db.SaveChangesAsync(cancellationToken);
        return model;
    }

    /// <summary>Makes <paramref name="version"/> the production model and starts serving it in this process.</summary>
    public async Task<ModelVersion> PromoteAsync(string version, CancellationToken cancellationToken = default)
    {
        var candidate = await GetAsync(version, cancellationToken)
            ?? throw new DomainException("MODEL_NOT_FOUND", $"no model version '{version}' in the registry");
        // Load first: a model that cannot be served is refused before the registry changes.
        var bundle = await LoadBundleAsync(candidate, cancellationToken);
        var promoted = await PromoteInRegistryAsync(version, cancellationToken);
        production.Serve(promoted, bundle);
        await events.PublishAsync(Events.Topics.ModelPromoted, promoted, cancellationToken);
        return promoted;
    }

    private async Task<ModelVersion> PromoteInRegistryAsync(string version, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var target = await db.ModelVersions.AsTracking().FirstOrDefaultAsync(m => m.Version == version, ct)
                ?? throw new DomainException("MODEL_NOT_FOUND", $"no model version '{version}' in the registry");
            if (!Directory.Exists(ArtifactDirectory(target)))
            {
                throw new DomainException("MODEL_ARTIFACT_MISSING", $"model '{version}' has no artifact at '{ArtifactDirectory(target)}'");
            }

            var current = await db.ModelVersions.AsTracking().Where(m => m.Stage == ModelStage.Production && m.Id != target.Id).ToListAsync(ct);
            foreach (var previous in current)
            {
                previous.Stage = ModelStage.Archived;
            }

            target.Stage = ModelStage.Production;
            target.PromotedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return target;
        }, cancellationToken);
    }

    public async Task<ModelVersion?> GetProductionAsync(CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        return await db.ModelVersions.FirstOrDefaultAsync(m => m.Stage == ModelStage.Production, cancellationToken);
    }

    public async Task<ModelVersion?> GetAsync(string version, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        return await db.ModelVersions.FirstOrDefaultAsync(m => m.Version == version, cancellationToken);
    }

    public async Task<IReadOnlyList<ModelVersion>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        // Ids grow with registration time; SQLite cannot order by DateTimeOffset.
        return await db.ModelVersions.OrderByDescending(m => m.Id).ToListAsync(cancellationToken);
    }
}
