using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using NbaPredict.Workers.Hosting;

namespace NbaPredict.Workers.Cli;

/// <summary><c>serve [--urls URLS]</c>: runs the scheduled jobs until stopped (Ctrl+C or SIGTERM).</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(CommandLineOptions options, IConfiguration? configurationOverride, TextWriter output)
    {
        var urls = options.Optional("urls");
        options.RejectUnknown();
        await using var app = WorkerHost.Build(urls, configurationOverride);
        try
        {
            await WorkerHost.InitializeAsync(app);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or ArgumentException)
        {
            throw new CommandLineException($"cannot open the database: {NbaCli.FirstLine(ex.Message)}");
        }

        await output.WriteLineAsync($"serving the scheduled jobs; health on {string.Join(", ", app.Urls.DefaultIfEmpty(urls ?? "the configured URLs"))}/health/ready");
        await app.RunAsync();
        return 0;
    }
}
