using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace NbaPredict.Deployment.Tests;

/// <summary>The Helm chart, checked without helm: it parses, reads only values that exist, sets only what the code reads.</summary>
public sealed partial class ChartTests
{
    private const string Chart = "charts/nbapredict";

    public static TheoryData<string> Templates() =>
        new(Directory.EnumerateFiles(Repository.PathOf($"{Chart}/templates"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    private static YamlNode Values => Repository.LoadYaml(Repository.Read($"{Chart}/values.yaml"));

    [Fact]
    public void Chart_yaml_and_both_values_files_parse()
    {
        var chart = Repository.LoadYaml(Repository.Read($"{Chart}/Chart.yaml"));
        Assert.Equal("v2", chart.Child("apiVersion").Scalar());
        Assert.Equal("nbapredict", chart.Child("name").Scalar());
        Assert.NotNull(chart.Child("version").Scalar());
        Assert.IsType<YamlMappingNode>(Values);
        Assert.IsType<YamlMappingNode>(Repository.LoadYaml(Repository.Read($"{Chart}/values-production.yaml")));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_template_renders_to_Kubernetes_objects(string template)
    {
        var documents = Repository.LoadYamlDocuments(HelmTemplate.ToYaml(Repository.Read($"{Chart}/templates/{template}")));

        Assert.NotEmpty(documents);
        Assert.All(documents, d =>
        {
            Assert.False(string.IsNullOrEmpty(d.Child("apiVersion").Scalar()), $"{template}: a document without apiVersion");
            Assert.False(string.IsNullOrEmpty(d.Child("kind").Scalar()), $"{template}: a document without kind");
            Assert.NotNull(d.At("metadata", "name"));
        });
    }

    [Fact]
    public void The_chart_has_every_object_a_production_install_needs()
    {
        var kinds = AllObjects().Select(o => o.Child("kind").Scalar()).ToList();

        foreach (var kind in new[] { "Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ConfigMap", "Secret", "ServiceMonitor" })
        {
            Assert.Contains(kind, kinds);
        }

        Assert.Equal(["graph", "workers"], Deployments().Select(d => d.Container.Child("name").Scalar()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_Values_path_a_template_reads_exists_in_values_yaml()
    {
        var files = Directory.EnumerateFiles(Repository.PathOf($"{Chart}/templates")).ToList();
        var missing = files
            .SelectMany(f => HelmTemplate.ValuesPaths(File.ReadAllText(f)).Select(p => (File: Path.GetFileName(f), Path: p)))
            .Where(x => Resolve(Values, x.Path) is null)
            .Select(x => $"{x.File}: .Values.{string.Join('.', x.Path)}")
            .Distinct()
            .ToList();

        Assert.True(files.Count >= 10);
        Assert.True(missing.Count == 0, "not in values.yaml: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_production_values_only_set_keys_values_yaml_documents()
    {
        var production = Repository.LoadYaml(Repository.Read($"{Chart}/values-production.yaml"));
        var unknown = Leaves(production, [], Values).Where(p => Resolve(Values, p) is null).Select(p => string.Join('.', p)).ToList();

        Assert.True(unknown.Count == 0, "values-production.yaml sets keys values.yaml lacks: " + string.Join(", ", unknown));
        Assert.Equal("false", production.At("postgresql", "enabled").Scalar());
        Assert.Equal("false", production.At("redisServer", "enabled").Scalar());
        Assert.False(string.IsNullOrEmpty(production.Child("existingSecret").Scalar()), "production reads the external connection strings from an existing Secret");
    }

    [Fact]
    public void Every_section_of_values_yaml_is_documented()
    {
        var lines = Repository.Read($"{Chart}/values.yaml").Split('\n');
        var undocumented = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!TopLevelKey().IsMatch(lines[i]))
            {
                continue;
            }

            var block = lines.Skip(i + 1).TakeWhile(l => l.Length == 0 || l.StartsWith(' ')).Prepend(lines[i - 1]);
            if (!block.Any(l => l.TrimStart().StartsWith('#')))
            {
                undocumented.Add(lines[i]);
            }
        }

        Assert.True(undocumented.Count == 0, "sections without a comment: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void The_environment_the_chart_sets_is_what_the_code_reads()
    {
        var helpers = Repository.Read($"{Chart}/templates/_helpers.tpl");
        var env = Repository.LoadYaml(HelmTemplate.ToYaml(HelmTemplate.Define(helpers, "nbapredict.env")));
        var configMap = AllObjects().Single(o => o.Child("kind").Scalar() == "ConfigMap");
        var names = ((YamlSequenceNode)env.Child("env")!).Select(e => e.Child("name").Scalar()!)
            .Concat(((YamlMappingNode)configMap.Child("data")!).Children.Keys.Select(k => k.Scalar()!))
            .ToList();

        Assert.Contains("ConnectionStrings__Postgres", names);
        Assert.Contains("ConnectionStrings__Redis", names);
        Assert.Contains("NBAPREDICT_DATA_DIR", names);
        Assert.Contains("ASPNETCORE_URLS", names);
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT", names);
        Assert.Contains("Models__ArtifactStore", names);
        Assert.Contains("Models__S3__Bucket", names);
        Assert.Contains("Models__S3__SecretKey", names);
        Assert.All(names, n => Assert.Contains(n, Repository.ConfigurationNamesReadByCode));
        Assert.Equal("configMapRef", ((YamlMappingNode)((YamlSequenceNode)env.Child("envFrom")!)[0]).Children.Keys.Single().Scalar());
        Assert.All(Deployments(), d => Assert.Contains("include \"nbapredict.env\"", d.Source, StringComparison.Ordinal));
    }

    [Fact]
    public void Probes_and_the_ServiceMonitor_point_at_the_real_endpoints()
    {
        var (live, ready) = HealthPaths();
        var graph = Deployments().Single(d => d.Container.Child("name").Scalar() == "graph").Container;
        var monitor = AllObjects().Single(o => o.Child("kind").Scalar() == "ServiceMonitor");

        Assert.Equal(live, graph.At("livenessProbe", "httpGet", "path").Scalar());
        Assert.Equal(ready, graph.At("readinessProbe", "httpGet", "path").Scalar());
        Assert.Equal(live, graph.At("startupProbe", "httpGet", "path").Scalar());
        Assert.Equal("http", graph.At("livenessProbe", "httpGet", "port").Scalar());
        Assert.Equal(MetricsPath(), ((YamlSequenceNode)monitor.At("spec", "endpoints")!)[0].Child("path").Scalar());
    }

    [Fact]
    public void Pods_run_as_a_non_root_user()
    {
        Assert.Equal("true", Values.At("podSecurityContext", "runAsNonRoot").Scalar());
        Assert.NotEqual("0", Values.At("podSecurityContext", "runAsUser").Scalar());
        Assert.All(Deployments(), d => Assert.Contains(".Values.podSecurityContext", d.Source, StringComparison.Ordinal));
    }

    internal static (string Live, string Ready) HealthPaths()
    {
        var paths = Repository.FindInSources(MapHealthChecks());
        return (Assert.Single(paths, p => p.EndsWith("/live", StringComparison.Ordinal)), Assert.Single(paths, p => p.EndsWith("/ready", StringComparison.Ordinal)));
    }

    internal static string MetricsPath() => Assert.Single(Repository.FindInSources(MetricsPathConstant()));

    private static IEnumerable<YamlNode> AllObjects() =>
        Directory.EnumerateFiles(Repository.PathOf($"{Chart}/templates"), "*.yaml")
            .SelectMany(f => Repository.LoadYamlDocuments(HelmTemplate.ToYaml(File.ReadAllText(f))));

    private static List<(YamlNode Container, string Source)> Deployments() =>
        Directory.EnumerateFiles(Repository.PathOf($"{Chart}/templates"), "deployment-*.yaml")
            .Select(f => (Document: Repository.LoadYamlDocuments(HelmTemplate.ToYaml(File.ReadAllText(f))).Single(), Source: File.ReadAllText(f)))
            .Select(x => (((YamlSequenceNode)x.Document.At("spec", "template", "spec", "containers")!)[0], x.Source))
            .ToList();

    private static YamlNode? Resolve(YamlNode node, IReadOnlyList<string> path)
    {
        YamlNode? current = node;
        foreach (var key in path)
        {
            current = current?.Child(key);
        }

        return current;
    }

    /// <summary>The key paths a values file sets; below an empty map of <paramref name="defaults"/> (free-form labels) keys are the user's.</summary>
    private static IEnumerable<string[]> Leaves(YamlNode node, string[] path, YamlNode defaults) =>
        node is YamlMappingNode map && !(Resolve(defaults, path) is YamlMappingNode { Children.Count: 0 })
            ? map.Children.SelectMany(c => Leaves(c.Value, [.. path, c.Key.Scalar()!], defaults))
            : [path];

    [GeneratedRegex(@"MapHealthChecks\(""([^""]+)""")]
    private static partial Regex MapHealthChecks();

    [GeneratedRegex("""const string MetricsPath = "([^"]+)";""")]
    private static partial Regex MetricsPathConstant();

    [GeneratedRegex("^[a-zA-Z]+:")]
    private static partial Regex TopLevelKey();
}
