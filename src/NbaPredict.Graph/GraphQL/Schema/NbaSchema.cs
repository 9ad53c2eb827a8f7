using GraphQL.Types;
using NbaPredict.Graph.Features.Drift;
using NbaPredict.Graph.Features.Experiments;
using NbaPredict.Graph.Features.Games;
using NbaPredict.Graph.Features.Insights;
using NbaPredict.Graph.Features.Models;
using NbaPredict.Graph.Features.Predictions;
using NbaPredict.Graph.Features.Players;
using NbaPredict.Graph.Features.Teams;

namespace NbaPredict.Graph.GraphQL.Schema;

/// <summary>The root query; each feature folder contributes its own fields.</summary>
public sealed class QueryType : ObjectGraphType
{
    public QueryType()
    {
        Name = "Query";
        NodeQueries.AddTo(this);
        PlayerQueries.AddTo(this);
        TeamQueries.AddTo(this);
        GameQueries.AddTo(this);
        PredictionQueries.AddTo(this);
        ModelQueries.AddTo(this);
        ExperimentQueries.AddTo(this);
        DriftQueries.AddTo(this);
        InsightQueries.AddTo(this);
        Features.Jobs.FeedbackLoopQueries.AddTo(this);
        NbaPredict.Graph.Security.AuditLogQueries.AddTo(this);
    }
}

/// <summary>The root mutation; each feature folder contributes its own fields.</summary>
public sealed class MutationType : ObjectGraphType
{
    public MutationType()
    {
        Name = "Mutation";
        PredictionQueries.AddMutations(this);
        PredictionQueries.AddWhatIf(this);
        Features.Availability.AvailabilityQueries.AddMutations(this);
        ModelQueries.AddMutations(this);
        ExperimentQueries.AddMutations(this);
        DriftQueries.AddMutations(this);
        InsightQueries.AddMutations(this);
    }
}

/// <summary>The root subscription, served over WebSocket (graphql-transport-ws).</summary>
public sealed class SubscriptionType : ObjectGraphType
{
    public SubscriptionType()
    {
        Name = "Subscription";
        PredictionQueries.AddSubscriptions(this);
        ModelQueries.AddSubscriptions(this);
        DriftQueries.AddSubscriptions(this);
    }
}

public sealed class NbaSchema : global::GraphQL.Types.Schema
{
    public NbaSchema(IServiceProvider services)
        : base(services)
    {
        Query = services.GetRequiredService<QueryType>();
        Mutation = services.GetRequiredService<MutationType>();
        Subscription = services.GetRequiredService<SubscriptionType>();
        RegisterTypeMapping(typeof(DateOnly), typeof(CalendarDateGraphType));
        Description = "NbaPredict: real NBA box scores and next-game predictions. Source: NBA.com/Stats via AntBap23/Nba-Data-and-Analytics-Engineering-Project.";
    }
}
