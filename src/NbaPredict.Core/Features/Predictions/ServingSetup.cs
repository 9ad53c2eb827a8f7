using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using NbaPredict.Core.Caching;

namespace NbaPredict.Core.Features.Predictions;

public static class ServingSetup
{
    /// <summary>
    /// The serving pieces beside the prediction service: loaded bundles by version, the running experiments, and
    /// the two-level cache (memory; Redis as the second level when <c>ConnectionStrings:Redis</c> is set).
    /// </summary>
    public static IServiceCollection AddNbaServing(this IServiceCollection services)
    {
        services.TryAddSingleton<ModelBundleCache>();
        services.TryAddSingleton<Experiments.RunningExperiments>();
        services.TryAddSingleton<CacheMetrics>();
        services.TryAddSingleton<PredictionCache>();
        // Without Redis there is no second level: HybridCache asks for an optional IDistributedCache and gets none.
        services.TryAddSingleton<IDistributedCache>(sp => sp.GetRequiredService<NbaPredictSettings>().RedisConnectionString is { } redis
            ? new RedisL2Cache(redis, sp.GetRequiredService<ILogger<RedisL2Cache>>())
            : null!);
        services.AddHybridCache(o =>
        {
            o.DefaultEntryOptions = PredictionCache.EntryOptions;
            o.MaximumPayloadBytes = 16 * 1024 * 1024;
        });
        return services;
    }
}
