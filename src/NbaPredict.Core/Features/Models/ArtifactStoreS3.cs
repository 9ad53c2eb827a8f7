using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Core.Features.Models;

/// <summary>
/// Model artifacts in an S3-compatible bucket (AWS, MinIO, s3rver) at <c>&lt;prefix&gt;/&lt;version&gt;/&lt;file&gt;</c>, so an
/// instance that did not train a version can still serve it. <c>manifest.json</c> is written last and required on
/// download: a version whose upload stopped half-way has no manifest and is never loaded.
/// </summary>
public sealed class S3ArtifactStore : IModelArtifactStore, IDisposable
{
    public const string ManifestFile = "manifest.json";

    private readonly AmazonS3Client client;
    private readonly string bucket;
    private readonly string prefix;

    public S3ArtifactStore(S3ArtifactStoreOptions options)
    {
        bucket = options.Bucket!;
        prefix = options.Prefix.Trim('/');
        var config = new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl,
            AuthenticationRegion = options.Region,
            // Bucket in the path, not the host name: MinIO and s3rver have no per-bucket DNS.
            ForcePathStyle = true,
            // The SDK's default trailing checksums are not understood by every S3-compatible server.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        client = string.IsNullOrWhiteSpace(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    public void Dispose() => client.Dispose();

    public async Task UploadAsync(string version, string localDirectory, CancellationToken cancellationToken = default)
    {
        var files = Directory.EnumerateFiles(localDirectory, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(localDirectory, path).Replace(Path.DirectorySeparatorChar, '/'))
            .OrderBy(relative => relative == ManifestFile)
            .ThenBy(relative => relative, StringComparer.Ordinal)
            .ToList();
        if (!files.Contains(ManifestFile))
        {
            throw new DomainException("MODEL_ARTIFACT_INVALID", $"model '{version}' has no {ManifestFile} to upload");
        }

        try
        {
            foreach (var relative in files)
            {
                await client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = bucket,
                    Key = VersionPrefix(version) + relative,
                    FilePath = Path.Combine(localDirectory, relative),
                    // Signed whole rather than in aws-chunked frames, which s3rver and some other servers store verbatim.
                    UseChunkEncoding = false,
                }, cancellationToken);
            }
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new DomainException("MODEL_ARTIFACT_UPLOAD_FAILED", $"uploading model '{version}' to bucket '{bucket}' failed: {FirstLine(ex.Message)}");
        }
    }

    public async Task EnsureLocalAsync(string version, string localDirectory, CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(localDirectory))
        {
            return;
        }

        var keyPrefix = VersionPrefix(version);
        var modelsDirectory = Path.GetDirectoryName(Path.GetFullPath(localDirectory))!;
        Directory.CreateDirectory(modelsDirectory);
        StagingDirectories.RemoveAbandoned(modelsDirectory);
        var staging = StagingDirectories.NewPath(modelsDirectory, version);
        try
        {
            var keys = await ListKeysAsync(keyPrefix, cancellationToken);
            if (!keys.Contains(keyPrefix + ManifestFile))
            {
                throw Missing(version, $"{keyPrefix}{ManifestFile} is missing");
            }

            foreach (var key in keys.Where(k => !k.EndsWith('/')))
            {
                var target = Path.GetFullPath(Path.Combine(staging, key[keyPrefix.Length..]));
                // A key with ".." must never write outside the staging folder.
                if (!target.StartsWith(staging + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw new DomainException("MODEL_ARTIFACT_INVALID", $"model '{version}' in bucket '{bucket}' has an unsafe key '{key}'");
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                using var response = await client.GetObjectAsync(bucket, key, cancellationToken);
                await response.WriteResponseStreamToFileAsync(target, append: false, cancellationToken);
            }

            // A member file lost from the bucket must not surface later as a half-loadable folder: the manifest
            // names every file the bundle needs, so check them all before putting the folder in place.
            var needed = ModelBundle.ReadManifest(staging).Stats.SelectMany(s => s.Members)
                .SelectMany(m => m.OnnxFile is null ? [m.File] : new[] { m.File, m.OnnxFile });
            if (needed.FirstOrDefault(file => !File.Exists(Path.Combine(staging, file))) is { } lost)
            {
                throw Missing(version, $"{keyPrefix}{lost} is missing");
            }

            Directory.Move(staging, localDirectory);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new DomainException("MODEL_ARTIFACT_INVALID", $"model '{version}' in bucket '{bucket}' has an unreadable {ManifestFile}: {FirstLine(ex.Message)}");
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw Missing(version, FirstLine(ex.Message));
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new DomainException("MODEL_ARTIFACT_DOWNLOAD_FAILED", $"downloading model '{version}' from bucket '{bucket}' failed: {FirstLine(ex.Message)}");
        }
        catch (IOException) when (Directory.Exists(localDirectory))
        {
            // Another request or process put the same version in place first; its copy is as good as ours.
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private string VersionPrefix(string version) => (prefix.Length == 0 ? string.Empty : prefix + "/") + version + "/";

    private DomainException Missing(string version, string detail) =>
        new("MODEL_ARTIFACT_MISSING", $"model '{version}' has no complete artifact in bucket '{bucket}': {detail}");

    private async Task<HashSet<string>> ListKeysAsync(string keyPrefix, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = keyPrefix };
        ListObjectsV2Response response;
        do
        {
            response = await client.ListObjectsV2Async(request, cancellationToken);
            // SDK v4 leaves collections null when a page is empty.
            keys.UnionWith((response.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return keys;
    }

    private static bool IsStoreFailure(Exception ex) => ex is AmazonServiceException or AmazonClientException or HttpRequestException;

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
