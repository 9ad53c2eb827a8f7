using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Models;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests;

/// <summary>
/// Model artifacts in an S3-compatible store (a real s3rver): training uploads the version before registering it,
/// and an instance on another machine (same database, empty data directory) downloads it to serve it.
/// </summary>
public sealed class ArtifactStoreTests(ArtifactStoreTests.TrainedWithS3 fixture) : IClassFixture<ArtifactStoreTests.TrainedWithS3>
{
    private const string WhatIf = """
        mutation { predict(input: { playerNbaId: 201939, opponent: "LAL", home: true, date: "2023-12-25" }) {
          prediction { modelVersion stats { stat value } } errors { code message } } }
        """;

    /// <summary>
    /// One s3rver, and one instance on a PostgreSQL database (what several machines share) that trained a tiny
    /// production model into the bucket under the prefix <c>shared</c>.
    /// </summary>
    public sealed class TrainedWithS3 : IAsyncLifetime
    {
        public S3rverServer S3 { get; private set; } = null!;

        public TestDatabase Database { get; private set; } = null!;

        public NbaApp App { get; private set; } = null!;

        public ModelVersionInfo Trained { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            S3 = await S3rverServer.StartAsync();
            Database = await TestDatabase.CreateAsync(Provider.Postgres);
            App = new NbaApp(Database, S3.Configuration("shared"));
            await App.ImportTwoSeasonSlicesAsync(days: 8);
            await App.TrainTinyProductionModelAsync();
            var production = App.Services.GetRequiredService<ProductionModel>().Current!.Version;
            Trained = new ModelVersionInfo(production.Version, Path.Combine(Database.DataDirectory, "models", production.ArtifactPath));
        }

        /// <summary>Another instance of the API on the same database and bucket, with its own empty data directory.</summary>
        public SecondInstance StartSecondInstance()
        {
            var dataDirectory = Directory.CreateTempSubdirectory("nbapredict-second-").FullName;
            var configuration = S3.Configuration("shared");
            configuration["NBAPREDICT_DATA_DIR"] = dataDirectory;
            return new SecondInstance(new NbaApp(Database, configuration), dataDirectory);
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            await Database.DisposeAsync();
            await S3.DisposeAsync();
        }
    }

    public sealed record ModelVersionInfo(string Version, string LocalDirectory);

    public sealed record SecondInstance(NbaApp App, string DataDirectory) : IAsyncDisposable
    {
        public string ModelsDirectory => Path.Combine(DataDirectory, "models");

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Training_uploads_every_file_of_the_version_to_the_bucket()
    {
        using var client = fixture.S3.CreateClient();
        var prefix = $"shared/{fixture.Trained.Version}/";

        var stored = await ListAsync(client, prefix);

        Assert.Contains(S3ArtifactStore.ManifestFile, stored.Keys);
        Assert.Equal(LocalFiles(fixture.Trained.LocalDirectory), stored);
    }

    [Fact]
    public async Task A_second_instance_with_an_empty_data_directory_downloads_the_model_and_serves_it()
    {
        await using var second = fixture.StartSecondInstance();
        var local = Path.Combine(second.ModelsDirectory, fixture.Trained.Version);
        Assert.False(Directory.Exists(local));

        var predicted = NbaApp.Data(await second.App.QueryAsync(WhatIf))["predict"]!;

        Assert.Empty(predicted["errors"]!.AsArray());
        Assert.Equal(fixture.Trained.Version, (string)predicted["prediction"]!["modelVersion"]!);
        Assert.Equal(8, predicted["prediction"]!["stats"]!.AsArray().Count);
        Assert.Equal(LocalFiles(fixture.Trained.LocalDirectory), LocalFiles(local));
        Assert.Empty(Directory.EnumerateDirectories(second.ModelsDirectory, ".staging-*"));
    }

    [Theory]
    [InlineData("manifest.json")]
    [InlineData(".zip")]
    [InlineData(".onnx")]
    public async Task An_instance_that_finds_an_object_missing_names_the_version_and_bucket(string lostFile)
    {
        string broken;
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            broken = (await scope.ServiceProvider.GetRequiredService<ModelTrainingService>().TrainAsync(new TrainingRequest(Options: TestTraining.Tiny))).Model.Version;
        }

        string lostKey;
        using (var client = fixture.S3.CreateClient())
        {
            var keys = (await client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = fixture.S3.Bucket, Prefix = $"shared/{broken}/" })).S3Objects.Select(o => o.Key);
            lostKey = keys.Order(StringComparer.Ordinal).First(k => k.EndsWith(lostFile, StringComparison.Ordinal));
            await client.DeleteObjectAsync(fixture.S3.Bucket, lostKey);
        }

        await using var fresh = fixture.StartSecondInstance();
        var promoted = NbaApp.Data(await fresh.App.QueryAsync(
            "mutation($v: String!) { promoteModel(version: $v) { model { version } errors { code message } } }", new { v = broken }))["promoteModel"]!;

        var error = Assert.Single(promoted["errors"]!.AsArray())!;
        Assert.Equal("MODEL_ARTIFACT_MISSING", (string)error["code"]!);
        var message = (string)error["message"]!;
        Assert.Contains($"'{broken}'", message, StringComparison.Ordinal);
        Assert.Contains($"'{fixture.S3.Bucket}'", message, StringComparison.Ordinal);
        Assert.Contains(lostKey, message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", message, StringComparison.Ordinal);
        Assert.DoesNotContain(fresh.DataDirectory, message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(fresh.ModelsDirectory, broken)), "an incomplete artifact must not be put in place");

        // Only this version's staging folders: the fresh instance may be downloading the production model meanwhile.
        Assert.Empty(Directory.EnumerateDirectories(fresh.ModelsDirectory, $".staging-{broken}-*"));
    }

    [Fact]
    public async Task A_failed_upload_registers_nothing_and_names_the_version_and_bucket()
    {
        await using var database = await TestDatabase.CreateAsync(Provider.Sqlite);
        var configuration = fixture.S3.Configuration("unreachable");
        configuration["Models:S3:Bucket"] = "no-such-bucket";
        await using var app = new NbaApp(database, configuration);
        await app.ImportTwoSeasonSlicesAsync(days: 8);
        await using var scope = app.Services.CreateAsyncScope();

        var failure = await Assert.ThrowsAsync<DomainException>(() =>
            scope.ServiceProvider.GetRequiredService<ModelTrainingService>().TrainAsync(new TrainingRequest(Promote: true, Options: TestTraining.Tiny)));

        Assert.Equal("MODEL_ARTIFACT_UPLOAD_FAILED", failure.Code);
        Assert.Matches("model 'm[0-9-]+b*' to bucket 'no-such-bucket' failed", failure.Message);
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<ModelRegistryService>().ListAsync());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(database.DataDirectory, "models")));
    }

    [Fact]
    public async Task Choosing_s3_without_a_bucket_stops_start_up_naming_the_missing_key()
    {
        await using var database = await TestDatabase.CreateAsync(Provider.Sqlite);
        await using var app = new NbaApp(database, new Dictionary<string, string?>
        {
            ["Models:ArtifactStore"] = "s3",
            ["Models:S3:ServiceUrl"] = fixture.S3.ServiceUrl,
        });

        var failure = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains("Models:S3:Bucket", Messages(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_filesystem_store_uploads_nothing_and_loads_as_before()
    {
        await using var database = await TestDatabase.CreateAsync(Provider.Sqlite);
        // Every S3 setting but the store choice: the default must stay the filesystem.
        var configuration = fixture.S3.Configuration("filesystem-default");
        configuration.Remove("Models:ArtifactStore");
        await using (var app = new NbaApp(database, configuration))
        {
            Assert.IsType<FileSystemArtifactStore>(app.Services.GetRequiredService<IModelArtifactStore>());
            await app.ImportTwoSeasonSlicesAsync(days: 8);
            await app.TrainTinyProductionModelAsync();
        }

        await using var restarted = new NbaApp(database, configuration);
        var production = restarted.Services.GetRequiredService<ProductionModel>();
        await production.RefreshAsync();

        Assert.NotNull(production.Current);
        Assert.True(Directory.Exists(Path.Combine(database.DataDirectory, "models", production.Current.Version.ArtifactPath)));
        using var client = fixture.S3.CreateClient();
        Assert.Empty(await ListAsync(client, "filesystem-default/"));
    }

    private async Task<SortedDictionary<string, long>> ListAsync(Amazon.S3.AmazonS3Client client, string prefix)
    {
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = fixture.S3.Bucket, Prefix = prefix });
        return new SortedDictionary<string, long>((listed.S3Objects ?? []).ToDictionary(o => o.Key[prefix.Length..], o => o.Size ?? -1), StringComparer.Ordinal);
    }

    private static SortedDictionary<string, long> LocalFiles(string directory) => new(
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/'), f => new FileInfo(f).Length),
        StringComparer.Ordinal);

    private static string Messages(Exception failure)
    {
        var messages = new List<string>();
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" | ", messages);
    }
}
