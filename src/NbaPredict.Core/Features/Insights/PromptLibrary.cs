using Microsoft.Extensions.Options;
using NbaPredict.Core.Domain;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace NbaPredict.Core.Features.Insights;

/// <summary>A versioned prompt file: YAML front matter (id, version, depth, model hints, system text) and the template.</summary>
public sealed record PromptFile(string Id, int Version, InsightDepth Depth, string System, string Template, double Temperature, int MaxTokens, string FileName);

/// <summary>
/// The prompt templates in <c>prompts/*.md</c>. Each depth uses the highest version present, so a new version is a new
/// file (or a bumped <c>version:</c>) and every stored insight names the exact prompt it came from.
/// </summary>
public sealed class PromptLibrary
{
    private readonly Lazy<IReadOnlyDictionary<InsightDepth, PromptFile>> byDepth;

    public PromptLibrary(IOptions<InsightOptions> options)
    {
        var directory = options.Value.PromptsDirectory is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "prompts");
        byDepth = new Lazy<IReadOnlyDictionary<InsightDepth, PromptFile>>(() => Load(directory));
    }

    public PromptFile For(InsightDepth depth) =>
        byDepth.Value.TryGetValue(depth, out var prompt)
            ? prompt
            : throw new InvalidOperationException($"No prompt file for {depth} insights in prompts/.");

    public static IReadOnlyDictionary<InsightDepth, PromptFile> Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Prompt folder '{directory}' does not exist.");
        }

        return Directory.EnumerateFiles(directory, "*.md")
            .Select(path => Parse(File.ReadAllText(path), Path.GetFileName(path)))
            .GroupBy(p => p.Depth)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.Version).First());
    }

    public static PromptFile Parse(string content, string fileName)
    {
        ArgumentNullException.ThrowIfNull(content);
        var text = content.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!text.StartsWith("---\n", StringComparison.Ordinal))
        {
            throw new FormatException($"{fileName}: a prompt file starts with YAML front matter between '---' lines.");
        }

        var end = text.IndexOf("\n---\n", 4, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new FormatException($"{fileName}: the front matter is not closed by a '---' line.");
        }

        var header = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).IgnoreUnmatchedProperties().Build()
            .Deserialize<FrontMatter>(text[4..end]) ?? throw new FormatException($"{fileName}: empty front matter.");
        if (string.IsNullOrWhiteSpace(header.Id) || header.Version <= 0)
        {
            throw new FormatException($"{fileName}: 'id' and a positive 'version' are required.");
        }

        var depth = header.Depth?.Trim().ToLowerInvariant() switch
        {
            "summary" => InsightDepth.Summary,
            "deep-dive" or "deep_dive" or "deepdive" => InsightDepth.DeepDive,
            _ => throw new FormatException($"{fileName}: 'depth' must be summary or deep-dive."),
        };
        return new PromptFile(
            header.Id.Trim(), header.Version, depth, header.System?.Trim() ?? "", text[(end + 5)..].Trim(),
            header.ModelHints?.Temperature ?? 0.2, header.ModelHints?.MaxTokens ?? 400, fileName);
    }

    private sealed class FrontMatter
    {
        public string Id { get; set; } = "";
        public int Version { get; set; }
        public string? Depth { get; set; }
        public string? Description { get; set; }
        public string? System { get; set; }
        public Hints? ModelHints { get; set; }
    }

    private sealed class Hints
    {
        public string? Route { get; set; }
        public double? Temperature { get; set; }
        public int? MaxTokens { get; set; }
    }
}
