using Microsoft.Extensions.Options;

namespace NbaPredict.Core.Features.Models;

/// <summary>
/// Where model artifacts are kept besides the local folder, bound from the <c>Models</c> section
/// (<c>Models__ArtifactStore</c>, <c>Models__S3__Bucket</c>, …).
/// </summary>
public sealed class ArtifactStoreOptions
{
    public const string Section = "Models";
    public const string FileSystem = "filesystem";
    public const string S3Store = "s3";

    /// <summary><c>filesystem</c> (only <c>NBAPREDICT_DATA_DIR/models</c>) or <c>s3</c> (a bucket, with the folder as the local copy).</summary>
    public string ArtifactStore { get; set; } = FileSystem;

    public S3ArtifactStoreOptions S3 { get; set; } = new();

    public bool UsesS3 => string.Equals(ArtifactStore.Trim(), S3Store, StringComparison.OrdinalIgnoreCase);
}

public sealed class S3ArtifactStoreOptions
{
    /// <summary>The endpoint, e.g. <c>http://minio:9000</c>; path-style addressing is used so any S3-compatible server works.</summary>
    public string? ServiceUrl { get; set; }

    public string? Bucket { get; set; }

    /// <summary>Key prefix: a version's files are at <c>&lt;Prefix&gt;/&lt;version&gt;/&lt;file&gt;</c>.</summary>
    public string Prefix { get; set; } = "models";

    /// <summary>With no keys the SDK's default credential chain is used (environment, profile, instance role).</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    public string Region { get; set; } = "us-east-1";
}

/// <summary>A wrong store setting stops the host at start-up, naming the key, instead of failing the first training.</summary>
internal sealed class ArtifactStoreOptionsValidator : IValidateOptions<ArtifactStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, ArtifactStoreOptions options)
    {
        var section = ArtifactStoreOptions.Section;
        if (!options.UsesS3)
        {
            return string.Equals(options.ArtifactStore.Trim(), ArtifactStoreOptions.FileSystem, StringComparison.OrdinalIgnoreCase)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{section}:ArtifactStore '{options.ArtifactStore}' is not an artifact store; use {ArtifactStoreOptions.FileSystem} or {ArtifactStoreOptions.S3Store}");
        }

        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(options.S3.ServiceUrl))
        {
            missing.Add($"{section}:S3:ServiceUrl");
        }
        else if (!Uri.TryCreate(options.S3.ServiceUrl, UriKind.Absolute, out _))
        {
            return ValidateOptionsResult.Fail($"{section}:S3:ServiceUrl '{options.S3.ServiceUrl}' is not an absolute URL");
        }

        if (string.IsNullOrWhiteSpace(options.S3.Bucket))
        {
            missing.Add($"{section}:S3:Bucket");
        }

        if (string.IsNullOrWhiteSpace(options.S3.AccessKey) != string.IsNullOrWhiteSpace(options.S3.SecretKey))
        {
            missing.Add(string.IsNullOrWhiteSpace(options.S3.AccessKey) ? $"{section}:S3:AccessKey" : $"{section}:S3:SecretKey");
        }

        return missing.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{section}:ArtifactStore is {ArtifactStoreOptions.S3Store} but {string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} not set");
    }
}
