using System.Text;
using System.Text.RegularExpressions;

namespace NbaPredict.Deployment.Tests;

/// <summary>
/// Turns a Helm template into plain YAML without a helm binary: lines that are only template actions go, an
/// <c>else</c> branch is dropped (so both branches of an if cannot clash), and inline actions become the scalar
/// <c>TEMPLATE</c>. What is left has the shape of the rendered manifest.
/// </summary>
internal static partial class HelmTemplate
{
    public const string Placeholder = "TEMPLATE";

    public static string ToYaml(string template)
    {
        var output = new StringBuilder();
        var blocks = new Stack<bool>();
        foreach (var line in template.Split('\n'))
        {
            var trimmed = line.Trim();
            if (ActionOnly().IsMatch(trimmed))
            {
                var action = ActionWord().Match(trimmed).Groups[1].Value;
                switch (action)
                {
                    case "if" or "with" or "range" or "define":
                        blocks.Push(true);
                        break;
                    case "else":
                        blocks.Push(blocks.Pop() && false);
                        break;
                    case "end":
                        blocks.Pop();
                        break;
                }

                continue;
            }

            if (blocks.All(keep => keep))
            {
                output.Append(InlineAction().Replace(line, Placeholder)).Append('\n');
            }
        }

        Assert.Empty(blocks);
        return output.ToString();
    }

    /// <summary>The body of <c>{{ define "name" }}</c> in a helpers file.</summary>
    public static string Define(string helpers, string name)
    {
        var start = helpers.IndexOf($"define \"{name}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no define \"{name}\"");
        var bodyStart = helpers.IndexOf('\n', start) + 1;
        var end = helpers.IndexOf("{{- end -}}", bodyStart, StringComparison.Ordinal);
        return helpers[bodyStart..end];
    }

    /// <summary>Every <c>.Values.a.b</c> path a template reads.</summary>
    public static IEnumerable<string[]> ValuesPaths(string template) =>
        ValuesPath().Matches(template).Select(m => m.Groups[1].Value.Split('.', StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"^\{\{-?\s*(?:/\*.*\*/\s*-?\}\}|[^{}]*-?\}\})$")]
    private static partial Regex ActionOnly();

    [GeneratedRegex(@"^\{\{-?\s*(\w+)")]
    private static partial Regex ActionWord();

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex InlineAction();

    [GeneratedRegex(@"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")]
    private static partial Regex ValuesPath();
}
