namespace NbaPredict.Core.Features.Insights;

/// <summary>
/// The <c>Insights</c> configuration section. With no <see cref="Provider"/> (or "none"/"offline") every insight is
/// written by the offline generator and nothing leaves the machine.
/// </summary>
public sealed class InsightOptions
{
    public const string Section = "Insights";

    /// <summary>"openai", "azure" or "ollama" (any OpenAI-compatible server at <see cref="Endpoint"/>); empty for offline.</summary>
    public string? Provider { get; set; }

    /// <summary>Base URL: e.g. https://api.openai.com/v1, https://NAME.openai.azure.com, http://localhost:11434/v1.</summary>
    public string? Endpoint { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>Short summaries go to a cheap model.</summary>
    public InsightRoute Summary { get; set; } = new() { Model = "gpt-4o-mini", InputPricePer1kTokens = 0.00015, OutputPricePer1kTokens = 0.0006 };

    /// <summary>Deep dives go to a stronger model.</summary>
    public InsightRoute DeepDive { get; set; } = new() { Model = "gpt-4o", InputPricePer1kTokens = 0.0025, OutputPricePer1kTokens = 0.01 };

    /// <summary>Tokens (in + out) one client may spend per UTC day; beyond it the offline generator answers.</summary>
    public int DailyTokenBudgetPerClient { get; set; } = 50_000;

    /// <summary>Timeout of one call to the provider.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Folder of the prompt files; default <c>prompts/</c> next to the binaries (copied there by the build).</summary>
    public string? PromptsDirectory { get; set; }

    /// <summary>The provider as stored on insights and used in the cache key: "offline" when none is configured.</summary>
    public string ProviderKey => Provider?.Trim().ToLowerInvariant() switch
    {
        null or "" or "none" or "offline" => OfflineProvider,
        var p => p,
    };

    public bool UsesLlm => ProviderKey != OfflineProvider;

    public const string OfflineProvider = "offline";

    public InsightRoute RouteFor(Domain.InsightDepth depth) => depth == Domain.InsightDepth.DeepDive ? DeepDive : Summary;
}

/// <summary>Which model a kind of insight is sent to, and what its tokens cost.</summary>
public sealed class InsightRoute
{
    public string Model { get; set; } = "";
    public double InputPricePer1kTokens { get; set; }
    public double OutputPricePer1kTokens { get; set; }

    public double CostOf(int tokensIn, int tokensOut) =>
        Math.Round((tokensIn / 1000.0 * InputPricePer1kTokens) + (tokensOut / 1000.0 * OutputPricePer1kTokens), 6);
}
