using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace NbaPredict.Core.Features.Insights;

public static class InsightServiceCollectionExtensions
{
    /// <summary>Registers insights: options from the <c>Insights</c> section, prompts, the LLM writer and the service.</summary>
    public static IServiceCollection AddNbaInsights(this IServiceCollection services)
    {
        services.AddOptions<InsightOptions>().BindConfiguration(InsightOptions.Section);
        services.TryAddSingleton<PromptLibrary>();
        services.TryAddSingleton<InsightInputs>();
        services.TryAddSingleton<InsightPlayerNames>();
        services.TryAddSingleton<ILlmInsightWriter, SemanticKernelInsightWriter>();
        services.TryAddScoped<InsightService>();
        return services;
    }
}
