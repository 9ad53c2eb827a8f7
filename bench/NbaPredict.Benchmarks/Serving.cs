using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core;
using NbaPredict.Core.Caching;
using NbaPredict.Core.Data;
using NbaPredict.Core.Features.Models;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Core.Import;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Benchmarks;

/// <summary>
/// A real serving stack on SQLite: seasons 2022-23 and 2023-24 imported up to the day before
/// <see cref="SlateDate"/>, that day's games kept as the schedule (no box scores yet), and the quick model
/// (the first model of a fresh install) trained and promoted. Prepared once in a state folder and reused.
/// </summary>
internal static class ServingState
{
    public const string StateDirVariable = "NBAPREDICT_BENCH_SERVING_DIR";

    public static readonly DateOnly SlateDate = new(2024, 1, 15);

    public static async Task<ServiceProvider> OpenAsync(string stateDir, string bundledData)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [NbaPredictSettings.DataDirVariable] = stateDir })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddNbaStorage();
        var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        var ready = Path.Combine(stateDir, "ready");
        if (!File.Exists(ready))
        {
            var input = Path.Combine(stateDir, "input");
            Directory.CreateDirectory(input);
            foreach (var season in new[] { "2022-23", "2023-24" })
            {
                File.Copy(Path.Combine(bundledData, $"player_games_{season}.csv.gz"), Path.Combine(input, $"player_games_{season}.csv.gz"), overwrite: true);
            }

            await scope.ServiceProvider.GetRequiredService<BoxScoreImporter>().ImportDirectoryAsync(input, skipUnchangedFiles: false);
            await using (var db = provider.GetRequiredService<IDbContextFactory<NbaDbContext>>().CreateDbContext())
            {
                await db.PlayerGames.Where(pg => pg.GameDate >= SlateDate).ExecuteDeleteAsync();
                await db.Games.Where(g => g.Date > SlateDate).ExecuteDeleteAsync();
            }

            provider.GetRequiredService<DataVersion>().Bump();
            await scope.ServiceProvider.GetRequiredService<ModelTrainingService>().TrainAsync(new TrainingRequest(Promote: true, Options: TrainingOptions.Quick));
            await File.WriteAllTextAsync(ready, "prepared");
        }

        return provider;
    }
}

/// <summary>
/// The prediction service as callers use it (run: NbaPredict.Benchmarks serving). Single predictions are read
/// through the service's list call for one game and player: from the cache, and after the cache was emptied
/// (a database read). The date batch computes a whole upcoming date (slate query, features from the live
/// store, one vectorized call) without storing it; the refresh also stores it.
/// </summary>
[MemoryDiagnoser]
[InProcess]
[MedianColumn]
public class ServingBenchmarks
{
    private ServiceProvider provider = null!;
    private AsyncServiceScope scope;
    private PredictionService service = null!;
    private PredictionCache cache = null!;
    private (string GameId, int PlayerId)[] stored = [];
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        var stateDir = Environment.GetEnvironmentVariable(ServingState.StateDirVariable) ?? throw new InvalidOperationException($"{ServingState.StateDirVariable} is not set.");
        var data = Environment.GetEnvironmentVariable(PredictorBenchmarks.DataDirVariable) ?? throw new InvalidOperationException($"{PredictorBenchmarks.DataDirVariable} is not set.");
        provider = ServingState.OpenAsync(stateDir, data).GetAwaiter().GetResult();
        scope = provider.CreateAsyncScope();
        service = scope.ServiceProvider.GetRequiredService<PredictionService>();
        cache = provider.GetRequiredService<PredictionCache>();
        var predictions = service.RefreshAsync(ServingState.SlateDate).GetAwaiter().GetResult();
        stored = [.. predictions.Select(p => (p.GameId, p.PlayerId))];
        Console.WriteLine($"// {stored.Length} player-games on {ServingState.SlateDate:yyyy-MM-dd}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        scope.Dispose();
        provider.Dispose();
    }

    [Benchmark]
    public async Task<int> CachedSinglePrediction()
    {
        var (game, player) = stored[next++ % stored.Length];
        return (await service.ListAsync(null, game, player)).Count;
    }

    [Benchmark]
    public async Task<int> UncachedSinglePrediction()
    {
        await cache.InvalidateAsync();
        var (game, player) = stored[next++ % stored.Length];
        return (await service.ListAsync(null, game, player)).Count;
    }

    [Benchmark]
    public async Task<int> DateBatchComputed() => (await service.ComputeDateAsync(ServingState.SlateDate, null)).Predictions.Count;

    [Benchmark]
    public async Task<int> DateBatchRefreshedAndStored() => (await service.RefreshAsync(ServingState.SlateDate)).Count;
}
