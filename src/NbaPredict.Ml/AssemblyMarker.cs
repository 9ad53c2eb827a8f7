namespace NbaPredict.Ml;

internal static class AssemblyMarker;
