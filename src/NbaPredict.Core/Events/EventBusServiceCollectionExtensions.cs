using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NbaPredict.Core.Events;

public static class EventBusServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IEventBus"/> as a singleton: <see cref="RedisEventBus"/> when
    /// <c>ConnectionStrings:Redis</c> is set, else <see cref="InProcessEventBus"/>. The choice is made from the final
    /// configuration when the bus is first resolved, so hosts and test factories can add configuration later.
    /// </summary>
    public static IServiceCollection AddNbaEvents(this IServiceCollection services, Action<EventBusOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<EventBusOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<IEventBus>(sp =>
        {
            var busOptions = sp.GetRequiredService<IOptions<EventBusOptions>>().Value;
            var redis = sp.GetRequiredService<IConfiguration>().GetConnectionString("Redis");
            return string.IsNullOrWhiteSpace(redis)
                ? new InProcessEventBus(busOptions, sp.GetService<ILogger<InProcessEventBus>>())
                : new RedisEventBus(redis, busOptions, sp.GetService<ILogger<RedisEventBus>>());
        });
        return services;
    }
}
