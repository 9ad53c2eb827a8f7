using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.AzureOpenAI;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace NbaPredict.Core.Features.Insights;

/// <summary>What a model wrote and what it cost in tokens.</summary>
public sealed record GeneratedText(string Text, int TokensIn, int TokensOut);

/// <summary>Writes insight text with a language model.</summary>
public interface ILlmInsightWriter
{
    /// <summary>
    /// Renders <paramref name="prompt"/> with the facts (and, on a retry, <paramref name="feedback"/> about what the
    /// previous answer got wrong) and asks <paramref name="model"/> for the text.
    /// </summary>
    Task<GeneratedText> WriteAsync(PromptFile prompt, string model, InsightFacts facts, string? feedback, CancellationToken cancellationToken);
}

/// <summary>
/// Semantic Kernel orchestration against an OpenAI-compatible chat endpoint: OpenAI, Azure OpenAI (deployment =
/// model name) or a local server such as Ollama (its <c>/v1</c> base URL). One kernel per model, so summaries and
/// deep dives can go to different models; the prompt file is rendered by SK's template engine.
/// </summary>
public sealed class SemanticKernelInsightWriter(IOptions<InsightOptions> options, ILoggerFactory loggers) : ILlmInsightWriter, IDisposable
{
    private readonly ConcurrentDictionary<string, Kernel> kernels = new(StringComparer.Ordinal);
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds)) };
    private readonly KernelPromptTemplateFactory templates = new();

    public void Dispose() => http.Dispose();

    public async Task<GeneratedText> WriteAsync(PromptFile prompt, string model, InsightFacts facts, string? feedback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(facts);
        var kernel = kernels.GetOrAdd(model, CreateKernel);
        var arguments = new KernelArguments
        {
            ["player"] = facts.Player,
            ["facts"] = facts.ToJson(),
            ["feedback"] = feedback ?? "",
        };
        var user = await templates.Create(new PromptTemplateConfig(prompt.Template)).RenderAsync(kernel, arguments, cancellationToken);
        var history = new ChatHistory();
        if (prompt.System.Length > 0)
        {
            history.AddSystemMessage(prompt.System);
        }

        history.AddUserMessage(user);
        var settings = new OpenAIPromptExecutionSettings { Temperature = prompt.Temperature, MaxTokens = prompt.MaxTokens };
        var reply = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(history, settings, kernel, cancellationToken);
        var (tokensIn, tokensOut) = Usage(reply);
        return new GeneratedText(reply.Content?.Trim() ?? "", tokensIn, tokensOut);
    }

    private Kernel CreateKernel(string model)
    {
        var o = options.Value;
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton(loggers);
        if (o.ProviderKey == "azure")
        {
            var endpoint = o.Endpoint ?? throw new InvalidOperationException("Insights:Endpoint is required for the azure provider.");
            builder.Services.AddSingleton<IChatCompletionService>(new AzureOpenAIChatCompletionService(model, endpoint, o.ApiKey ?? "", httpClient: http, loggerFactory: loggers));
        }
        else
        {
            var endpoint = o.Endpoint is { Length: > 0 } e ? e : o.ProviderKey == "ollama" ? "http://localhost:11434/v1" : "https://api.openai.com/v1";
            // Local OpenAI-compatible servers ignore the key, but the client insists on one.
            var key = string.IsNullOrEmpty(o.ApiKey) ? "unused" : o.ApiKey;
            // The base-URL constructor is what makes Ollama and other OpenAI-compatible servers reachable; SK marks it experimental.
#pragma warning disable SKEXP0010
            builder.Services.AddSingleton<IChatCompletionService>(new OpenAIChatCompletionService(model, new Uri(endpoint), key, httpClient: http, loggerFactory: loggers));
#pragma warning restore SKEXP0010
        }

        return builder.Build();
    }

    private static (int In, int Out) Usage(ChatMessageContent reply) =>
        reply.Metadata?.TryGetValue("Usage", out var usage) == true && usage is OpenAI.Chat.ChatTokenUsage u
            ? (u.InputTokenCount, u.OutputTokenCount)
            : (0, 0);
}
