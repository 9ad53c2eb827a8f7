using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace NbaPredict.IntegrationTests.Infrastructure;

/// <summary>
/// A real S3-compatible server (s3rver, installed by S3rver.targets) on a free loopback port with one bucket,
/// storing into its own temp folder. Killed by its process id on dispose.
/// </summary>
public sealed class S3rverServer : IAsyncDisposable
{
    /// <summary>s3rver's fixed credentials: it checks signatures, so the key pair must be this one.</summary>
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly Process process;
    private readonly string directory;

    private S3rverServer(Process process, string directory, int port, string bucket)
    {
        this.process = process;
        this.directory = directory;
        ServiceUrl = $"http://127.0.0.1:{port}";
        Bucket = bucket;
    }

    public string ServiceUrl { get; }

    public string Bucket { get; }

    public static string Script => Path.Combine(TestEnvironment.RepositoryRoot, "tests", "NbaPredict.IntegrationTests", "s3rver", "node_modules", "s3rver", "bin", "s3rver.js");

    public static async Task<S3rverServer> StartAsync(string bucket = "nbapredict-test")
    {
        if (!File.Exists(Script))
        {
            throw new InvalidOperationException($"s3rver is not installed at {Script}: build tests/NbaPredict.IntegrationTests (S3rver.targets runs npm ci)");
        }

        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var directory = Directory.CreateTempSubdirectory("nbapredict-s3rver-").FullName;
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Script, "--silent", "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--directory", directory, "--configure-bucket", bucket })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new S3rverServer(process, directory, port, bucket);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (!process.HasExited)
            {
                await Task.Delay(50);
            }
        }

        await server.DisposeAsync();
        throw new InvalidOperationException($"s3rver did not listen on port {port}");
    }

    /// <summary>The configuration that points the app at this server (under <paramref name="prefix"/>).</summary>
    public Dictionary<string, string?> Configuration(string prefix) => new()
    {
        ["Models:ArtifactStore"] = "s3",
        ["Models:S3:ServiceUrl"] = ServiceUrl,
        ["Models:S3:Bucket"] = Bucket,
        ["Models:S3:Prefix"] = prefix,
        ["Models:S3:AccessKey"] = AccessKey,
        ["Models:S3:SecretKey"] = SecretKey,
    };

    /// <summary>A client of the test's own, to look at the bucket independently of the code under test.</summary>
    public AmazonS3Client CreateClient() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = ServiceUrl,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }
}
