using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NbaPredict.Core.Data;

namespace NbaPredict.Core.Features.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>
    /// The two API clients, each behind its own resilience pipeline, the raw cache and <see cref="IngestionService"/>;
    /// options from the <c>Ingestion</c> configuration section. Calling it twice registers nothing twice.
    /// </summary>
    public static IServiceCollection AddNbaIngestion(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IngestionResilience)))
        {
            return services;
        }

        services.AddNbaStorage();
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section)
            .Validate(o => o.FirstProblem() is null, "see IngestionOptions.FirstProblem");
        services.AddSingleton<IngestionResilience>();
        services.TryAddSingleton<RawResponseCache>();
        services.TryAddScoped<IngestionService>();
        services.TryAddScoped<IIngestionService>(sp => sp.GetRequiredService<IngestionService>());

        services.AddHttpClient<INbaStatsClient, NbaStatsClient>((sp, client) =>
            {
                Configure(client, sp.GetRequiredService<IOptions<IngestionOptions>>().Value.NbaStats);
                NbaStatsClient.ConfigureHeaders(client);
            })
            .ConfigurePrimaryHttpMessageHandler(CompressingHandler)
            .AddResilienceHandler(NbaStatsClient.SourceName, (pipeline, context) => Pipeline(pipeline, context.ServiceProvider, IngestionSource.NbaStats));
        services.AddHttpClient<IEspnClient, EspnClient>((sp, client) =>
                Configure(client, sp.GetRequiredService<IOptions<IngestionOptions>>().Value.Espn))
            .ConfigurePrimaryHttpMessageHandler(CompressingHandler)
            .AddResilienceHandler(EspnClient.SourceName, (pipeline, context) => Pipeline(pipeline, context.ServiceProvider, IngestionSource.Espn));
        return services;
    }

    // Both APIs answer gzip to browsers; asking for it the same way keeps requests browser-like and small.
    private static SocketsHttpHandler CompressingHandler() => new() { AutomaticDecompression = System.Net.DecompressionMethods.All };

    private static void Configure(HttpClient client, SourceOptions options)
    {
        client.BaseAddress = new Uri(options.BaseUrl.EndsWith('/') ? options.BaseUrl : options.BaseUrl + "/");
        // The pipeline's total timeout governs; HttpClient's own 100 s default would cut a legitimate wait for Retry-After.
        client.Timeout = Timeout.InfiniteTimeSpan;
    }

    private static void Pipeline(Polly.ResiliencePipelineBuilder<HttpResponseMessage> pipeline, IServiceProvider services, IngestionSource source) =>
        IngestionResilience.Configure(
            pipeline,
            source,
            services.GetRequiredService<IOptions<IngestionOptions>>().Value.For(source),
            services.GetRequiredService<IngestionResilience>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger("NbaPredict.Ingestion"));
}
