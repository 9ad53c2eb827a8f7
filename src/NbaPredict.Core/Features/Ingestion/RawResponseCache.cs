
namespace NbaPredict.Core.Features.Ingestion;

/// <summary>
/// Raw API responses on disk under <c>NBAPREDICT_DATA_DIR/raw/&lt;source&gt;/</c>: written atomically (temporary
/// file, then rename) and only once the payload's structure was accepted, so a cached file is always usable.
/// </summary>
public sealed class RawResponseCache(NbaPredictSettings settings, Microsoft.Extensions.Options.IOptions<IngestionOptions> options)
{
    public string PathOf(string source, string key) => Path.Combine(settings.DataDirectory, "raw", source, key + ".json");

    public async Task<string?> TryReadAsync(string source, string key, CancellationToken cancellationToken)
    {
        var path = PathOf(source, key);
        return options.Value.CacheRawResponses && File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : null;
    }

    public async Task WriteAsync(string source, string key, string content, CancellationToken cancellationToken)
    {
        if (!options.Value.CacheRawResponses)
        {
            return;
        }

        var path = PathOf(source, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var staging = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllTextAsync(staging, content, cancellationToken);
        File.Move(staging, path, overwrite: true);
    }
}
