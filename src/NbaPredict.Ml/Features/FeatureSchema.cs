using System.Collections.ObjectModel;
using System.Security.Cryptography;
using System.Text;

namespace NbaPredict.Ml.Features;

/// <summary>
/// The fixed, ordered list of features produced by <see cref="FeatureStore"/>.
/// <see cref="Version"/> changes whenever the names, order or semantics change
/// (it embeds a hash of the names plus a manual semantic revision).
/// </summary>
public static class FeatureSchema
{
    /// <summary>Bump when feature semantics change without a name change.</summary>
    public const int SemanticRevision = 1;

    private static readonly string[] NameArray = FeatureStore.BuildNames();

    /// <summary>Feature names in column order.</summary>
    public static ReadOnlyCollection<string> Names { get; } = Array.AsReadOnly(NameArray);

    /// <summary>Number of features.</summary>
    public static int Count => NameArray.Length;

    /// <summary>Schema version string, e.g. "r1-ab12cd34ef56".</summary>
    public static string Version { get; } = ComputeVersion();

    /// <summary>Column index of a named feature; throws when unknown.</summary>
    public static int IndexOf(string name)
    {
        var i = Array.IndexOf(NameArray, name);
        return i >= 0 ? i : throw new KeyNotFoundException($"Unknown feature '{name}'.");
    }

    private static string ComputeVersion()
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|', NameArray)));
        return $"r{SemanticRevision}-{Convert.ToHexStringLower(bytes.AsSpan(0, 6))}";
    }
}
