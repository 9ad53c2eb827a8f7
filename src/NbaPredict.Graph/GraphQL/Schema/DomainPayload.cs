using NbaPredict.Core.Features;

namespace NbaPredict.Graph.GraphQL.Schema;

/// <summary>
/// Builds a mutation payload: the result on success, or no result plus the refusal as a typed error when the
/// domain says no. Any other exception stays unhandled and is masked by the transport.
/// </summary>
public static class DomainPayload
{
    public static async Task<TPayload> CaptureAsync<T, TPayload>(Func<Task<T>> action, Func<T?, IReadOnlyList<DomainException>, TPayload> payload)
        where T : class
    {
        try
        {
            return payload(await action(), []);
        }
        catch (DomainException ex)
        {
            return payload(null, [ex]);
        }
    }
}
