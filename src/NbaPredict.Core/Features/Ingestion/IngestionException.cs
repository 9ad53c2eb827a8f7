namespace NbaPredict.Core.Features.Ingestion;

/// <summary>A fetch or payload problem, with a one-line message naming the source, the request and the cause.</summary>
public sealed class IngestionException(string message, Exception? inner = null) : Exception(message, inner);
