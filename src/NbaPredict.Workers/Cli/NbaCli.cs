using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NbaPredict.Core;
using NbaPredict.Core.Data;
using NbaPredict.Core.Features.Ingestion;
using NbaPredict.Core.Features.Jobs;
using NbaPredict.Workers.Ingestion;

namespace NbaPredict.Workers.Cli;

/// <summary>The <c>nbapredict</c> command line: one verb per operator task, a one-line reason on bad input.</summary>
public static class NbaCli
{
    public const string Usage = """
        usage: nbapredict <command> [options]
          import --data DIR [--skip-unchanged]   import every *.csv / *.csv.gz box-score file in DIR (idempotent)
          train [--promote] [--holdout-season S] [--quick | --options F.json]
                                   train the ensemble on the imported data and register it; --promote makes it production;
                                   --options trains with the hyperparameters `tune --best-out` wrote
          tune --trials-out F.jsonl [--best-out F.json] [--holdout-season S] [--budget-minutes 15] [--configurations 27] [--stats pts,reb,ast]
                                   successive-halving search of the L1 member's hyperparameters, fit on the training
                                   seasons and scored on the calibration season; every trial is written as it ends
          evaluate --data DIR --predictions-out F.csv [--metrics-out F.json] [--model VERSION] [--report DIR] [--absences F.csv]
                                   walk forward through DIR with the production model, never retraining;
                                   --report writes evaluation.md and its charts into DIR; --absences gives games'
                                   inactive lists (game_id,team,player_id), predicted by the known-absence model
          absences --data DIR --out F.csv
                                   write a stand-in inactive list for every game in DIR: the team's players of the
                                   season missing from its box score (read from the results: a ceiling, not a forecast)
          keys create --name N --tier free|pro|enterprise --scopes "s1 s2" | keys list | keys revoke --id ID|PREFIX
                                   API keys (X-Api-Key); the key is printed once and stored hashed
          clients create --name N --scopes "s1 s2" [--tier T] [--token-lifetime SECONDS] | clients list | clients rotate --client-id ID | clients revoke --client-id ID
                                   OAuth clients (client credentials); the secret is printed once and stored hashed
          ingest --date YYYY-MM-DD [--source nba-stats|espn]
                                   fetch one game day's box scores from an API and upsert them (idempotent)
          replay --season S --from DATE --days N
                                   play N days of a past season as if live: predict each day before its results,
                                   then ingest, score and measure drift (predictions are published as they are made)
          serve [--urls URLS]      run the scheduled jobs (ingest, refresh, score, drift, retrain) with /health/ready
                                   and /health/live on URLS (default NBAPREDICT_WORKER_URLS or http://localhost:5081)
        configuration: NBAPREDICT_DATA_DIR, ConnectionStrings__Postgres, ConnectionStrings__Redis, Jobs__* (see README)
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IConfiguration? configurationOverride = null)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await output.WriteLineAsync(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            var subcommand = SecurityCommands.IsSecurityCommand(args[0]) && args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : null;
            var options = CommandLineOptions.Parse(args.AsSpan(subcommand is null ? 1 : 2));
            return args[0] switch
            {
                "import" => await WithServicesAsync(configurationOverride, services => ImportCommand.RunAsync(services, options, output)),
                "train" => await WithServicesAsync(configurationOverride, services => TrainCommand.RunAsync(services, options, output)),
                "tune" => await WithServicesAsync(configurationOverride, services => TuneCommand.RunAsync(services, options, output)),
                "evaluate" => await WithServicesAsync(configurationOverride, services => EvaluateCommand.RunAsync(services, options, output, error)),
                "absences" => await AbsencesCommand.RunAsync(options, output, error),
                "keys" or "clients" => await WithServicesAsync(configurationOverride, services => SecurityCommands.RunAsync(services, args[0], subcommand, options, output)),
                "ingest" => await WithServicesAsync(configurationOverride, services => IngestCommand.RunAsync(services, options, output, error)),
                "replay" => await WithServicesAsync(configurationOverride, services => ReplayCommand.RunAsync(services, options, output)),
                "serve" => await ServeCommand.RunAsync(options, configurationOverride, output),
                _ => throw new CommandLineException($"unknown command '{args[0]}'; run 'nbapredict --help' for the list"),
            };
        }
        catch (CommandLineException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("error: cancelled");
            return 130;
        }
    }

    private static async Task<int> WithServicesAsync(IConfiguration? configurationOverride, Func<IServiceProvider, Task<int>> command)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = false });
        if (configurationOverride is not null)
        {
            builder.Configuration.AddConfiguration(configurationOverride);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        // Polly's telemetry logs every failed attempt with a stack trace; the ingestion pipeline logs each retry in one line.
        builder.Logging.AddFilter("Polly", LogLevel.None);
        builder.Services.AddNbaStorage();
        builder.Services.AddNbaIngestion();
        builder.AddNbaWorkerTelemetry();
        builder.Services.AddNbaJobServices();
        using var host = builder.Build();
        try
        {
            // The commands never start the host, so its start-up checks (e.g. Models:S3:*) are run here.
            host.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException ex)
        {
            throw new CommandLineException(ex.Message);
        }

        host.Services.StartNbaWorkerTelemetry();
        await using var scope = host.Services.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or ArgumentException)
        {
            throw new CommandLineException($"cannot open the database: {FirstLine(ex.Message)}");
        }

        return await command(scope.ServiceProvider);
    }

    internal static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}

public sealed class CommandLineException(string message) : Exception(message);

/// <summary>Parsed <c>--name value</c> and <c>--flag</c> options; unknown or repeated options are errors.</summary>
public sealed class CommandLineOptions
{
    private readonly Dictionary<string, string?> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> used = new(StringComparer.Ordinal);

    public static CommandLineOptions Parse(ReadOnlySpan<string> args)
    {
        var options = new CommandLineOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length < 3)
            {
                throw new CommandLineException($"unexpected argument '{arg}'");
            }

            var name = arg[2..];
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            if (!options.values.TryAdd(name, value))
            {
                throw new CommandLineException($"option --{name} is given twice");
            }
        }

        return options;
    }

    public string Required(string name) =>
        Optional(name) ?? throw new CommandLineException($"missing required option --{name}");

    public string? Optional(string name)
    {
        used.Add(name);
        if (!values.TryGetValue(name, out var value))
        {
            return null;
        }

        return string.IsNullOrWhiteSpace(value) ? throw new CommandLineException($"option --{name} needs a value") : value;
    }

    public bool Flag(string name)
    {
        used.Add(name);
        if (!values.TryGetValue(name, out var value))
        {
            return false;
        }

        return value is null ? true : throw new CommandLineException($"option --{name} takes no value");
    }

    /// <summary>An option's whole-number value within [min, max], or an error naming the option and the range.</summary>
    public static int ParseWholeNumber(string name, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new CommandLineException($"--{name} must be a whole number from {min} to {max}; got '{text}'");

    /// <summary>An option's numeric value within [min, max], or an error naming the option and the range.</summary>
    public static double ParseNumber(string name, string text, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"--{name} must be a number from {min} to {max}; got '{text}'"));

    /// <summary>Call after reading every option a command knows, so a typo is an error rather than silently ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = values.Keys.Where(k => !used.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new CommandLineException($"unknown option --{unknown[0]}");
        }
    }
}
