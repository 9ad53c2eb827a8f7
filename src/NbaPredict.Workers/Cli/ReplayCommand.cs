using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Core.Features.Replay;

namespace NbaPredict.Workers.Cli;

/// <summary>
/// <c>replay --season S --from DATE --days N</c>: plays a past stretch day by day as if live; predictions are
/// published (on Redis when configured, so API subscribers see them) before each day's results are ingested.
/// </summary>
internal static class ReplayCommand
{
    public const int MaxDays = 366;

    public static async Task<int> RunAsync(IServiceProvider services, CommandLineOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        var seasonText = options.Required("season");
        var fromText = options.Required("from");
        var daysText = options.Required("days");
        options.RejectUnknown();
        if (!Seasons.TryParseStartYear(seasonText, out var startYear))
        {
            throw new CommandLineException($"--season '{seasonText}' is not a season label like 2023-24");
        }

        if (!DateOnly.TryParseExact(fromText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from))
        {
            throw new CommandLineException($"--from '{fromText}' is not a date like 2024-01-15");
        }

        var days = CommandLineOptions.ParseWholeNumber("days", daysText, 1, MaxDays);

        var (seasonFrom, seasonTo) = Seasons.Window(startYear);
        var to = from.AddDays(days - 1);
        if (from < seasonFrom || to > seasonTo)
        {
            throw new CommandLineException($"{from:yyyy-MM-dd}…{to:yyyy-MM-dd} is not inside season {seasonText} ({seasonFrom:yyyy-MM-dd}…{seasonTo:yyyy-MM-dd})");
        }

        if (await services.GetRequiredService<ProductionModel>().GetAsync(cancellationToken) is null)
        {
            throw new CommandLineException("no production model yet: run 'train --promote' first");
        }

        var replay = services.GetRequiredService<ReplayService>();
        for (var i = 0; i < days; i++)
        {
            var day = from.AddDays(i);
            try
            {
                var result = await replay.ReplayDayAsync(day, cancellationToken);
                await output.WriteLineAsync($"[{i + 1}/{days}] {result}");
            }
            catch (DomainException ex)
            {
                throw new CommandLineException($"{day:yyyy-MM-dd}: {ex.Message}");
            }
        }

        await output.WriteLineAsync($"replayed {days} day(s) of {seasonText} from {from:yyyy-MM-dd}");
        return 0;
    }
}
