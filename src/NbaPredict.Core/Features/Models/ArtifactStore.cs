using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace NbaPredict.Core.Features.Models;

/// <summary>
/// Keeps a model version's artifact somewhere every instance can reach. The folder under
/// <c>NBAPREDICT_DATA_DIR/models</c> stays the working copy that bundles are loaded from; a store only copies it
/// out after training and back in when an instance lacks it.
/// </summary>
public interface IModelArtifactStore
{
    /// <summary>Copies every file of <paramref name="localDirectory"/> to the store; throws a <see cref="DomainException"/> when it cannot.</summary>
    Task UploadAsync(string version, string localDirectory, CancellationToken cancellationToken = default);

    /// <summary>Makes sure <paramref name="localDirectory"/> holds the version's artifact, fetching it from the store when missing.</summary>
    Task EnsureLocalAsync(string version, string localDirectory, CancellationToken cancellationToken = default);
}

/// <summary>The default: the local folder is the only copy, so there is nothing to upload or fetch.</summary>
public sealed class FileSystemArtifactStore : IModelArtifactStore
{
    public Task UploadAsync(string version, string localDirectory, CancellationToken cancellationToken = default) => Task.CompletedTask;

    // A missing folder is reported by the bundle load, as it was before stores existed.
    public Task EnsureLocalAsync(string version, string localDirectory, CancellationToken cancellationToken = default) => Task.CompletedTask;
}

public static class ArtifactStoreSetup
{
    /// <summary>Binds <c>Models</c>, checks it when the host starts and registers the configured store.</summary>
    public static IServiceCollection AddNbaArtifactStore(this IServiceCollection services)
    {
        services.AddOptions<ArtifactStoreOptions>().BindConfiguration(ArtifactStoreOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ArtifactStoreOptions>, ArtifactStoreOptionsValidator>());
        // Reading Value validates too, so the command line (which never starts its host) fails with the same message.
        services.TryAddSingleton<IModelArtifactStore>(sp => sp.GetRequiredService<IOptions<ArtifactStoreOptions>>().Value is { UsesS3: true } options
            ? new S3ArtifactStore(options.S3)
            : new FileSystemArtifactStore());
        return services;
    }
}
