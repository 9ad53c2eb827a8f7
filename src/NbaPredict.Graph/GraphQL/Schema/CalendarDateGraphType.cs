using GraphQL.Types;

namespace NbaPredict.Graph.GraphQL.Schema;

/// <summary>The contract's <c>Date</c> scalar: a calendar date written as <c>YYYY-MM-DD</c>.</summary>
public sealed class CalendarDateGraphType : DateOnlyGraphType
{
    public CalendarDateGraphType()
    {
        Name = "Date";
        Description = "A calendar date (US Eastern game date) written as YYYY-MM-DD.";
    }
}
