using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace NbaPredict.Deployment.Tests;

/// <summary>The checked-out repository these tests read: compose file, chart, deploy configs and the C# sources.</summary>
internal static partial class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Every C# source under src/ (no build output).</summary>
    public static IReadOnlyList<string> Sources { get; } = Directory
        .EnumerateFiles(PathOf("src"), "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
        .Select(File.ReadAllText)
        .ToList();

    /// <summary>
    /// The configuration names the code reads, as environment variables (<c>:</c> written <c>__</c>): indexer reads
    /// of IConfiguration, connection-string names, environment reads, and the constants naming variables.
    /// </summary>
    public static IReadOnlySet<string> ConfigurationNamesReadByCode { get; } = ScanConfigurationNames();

    /// <summary>String constants of the sources matched by <paramref name="pattern"/> (first group).</summary>
    public static IReadOnlyList<string> FindInSources(Regex pattern) =>
        Sources.SelectMany(s => pattern.Matches(s)).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

    public static YamlNode LoadYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return Assert.Single(stream.Documents).RootNode;
    }

    public static IReadOnlyList<YamlNode> LoadYamlDocuments(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).ToList();
    }

    public static YamlNode? Child(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? Scalar(this YamlNode? node) => (node as YamlScalarNode)?.Value;

    public static YamlNode? At(this YamlNode node, params string[] path)
    {
        YamlNode? current = node;
        foreach (var key in path)
        {
            current = current?.Child(key);
        }

        return current;
    }

    private static HashSet<string> ScanConfigurationNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in Sources)
        {
            foreach (Match m in ConfigurationIndexer().Matches(source))
            {
                names.Add(m.Groups[1].Value.Replace(":", "__", StringComparison.Ordinal));
            }

            foreach (Match m in ConnectionStringRead().Matches(source))
            {
                names.Add("ConnectionStrings__" + m.Groups[1].Value);
            }

            foreach (Match m in TypedValueRead().Matches(source))
            {
                names.Add(m.Groups[1].Value.Replace(":", "__", StringComparison.Ordinal));
            }

            foreach (Match m in EnvironmentRead().Matches(source))
            {
                names.Add(m.Groups[1].Value);
            }

            foreach (Match m in VariableConstant().Matches(source))
            {
                names.Add(m.Groups[1].Value);
            }

            names.UnionWith(BoundOptionNames(source));
        }

        return names;
    }

    /// <summary>
    /// Names an options class bound to a section reads (<c>const string Section = "Models"</c>): its settable
    /// properties, and one level down for a property whose type is another class of the same file
    /// (<c>Models__S3__Bucket</c>).
    /// </summary>
    private static IEnumerable<string> BoundOptionNames(string source)
    {
        var section = OptionsSection().Match(source);
        if (!section.Success)
        {
            yield break;
        }

        var classes = ClassDeclaration().Matches(source).Select(m => (Name: m.Groups[1].Value, Start: m.Index)).ToList();
        string Body(int i) => source[classes[i].Start..(i + 1 < classes.Count ? classes[i + 1].Start : source.Length)];
        var owner = classes.FindLastIndex(c => c.Start < section.Index);
        if (owner < 0)
        {
            yield break;
        }

        foreach (Match property in SettableProperty().Matches(Body(owner)))
        {
            var (type, name) = (property.Groups[1].Value, property.Groups[2].Value);
            var nested = classes.FindIndex(c => c.Name == type);
            if (nested < 0)
            {
                yield return $"{section.Groups[1].Value}__{name}";
                continue;
            }

            foreach (Match inner in SettableProperty().Matches(Body(nested)))
            {
                yield return $"{section.Groups[1].Value}__{name}__{inner.Groups[2].Value}";
            }
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NbaPredict.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("NbaPredict.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("""[Cc]onfiguration\["([^"]+)"\]""")]
    private static partial Regex ConfigurationIndexer();

    [GeneratedRegex("""GetConnectionString\("([^"]+)"\)""")]
    private static partial Regex ConnectionStringRead();

    [GeneratedRegex(@"\.GetValue(?:<[^>]+>)?\(""([^""]+)""")]
    private static partial Regex TypedValueRead();

    [GeneratedRegex("""GetEnvironmentVariable\("([^"]+)"\)""")]
    private static partial Regex EnvironmentRead();

    [GeneratedRegex("""const string Section = "([A-Za-z]+)";""")]
    private static partial Regex OptionsSection();

    [GeneratedRegex(@"\bclass (\w+)")]
    private static partial Regex ClassDeclaration();

    [GeneratedRegex(@"public (\w+)\?? (\w+) \{ get; set; \}")]
    private static partial Regex SettableProperty();

    /// <summary>Constants such as <c>DataDirVariable = "NBAPREDICT_DATA_DIR"</c>: upper case words joined by underscores.</summary>
    [GeneratedRegex("""const string \w+ = "([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)";""")]
    private static partial Regex VariableConstant();
}
