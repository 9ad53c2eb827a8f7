using System.Globalization;
using GraphQL;
using GraphQL.Types;
using NbaPredict.Core.Features.Retraining;
using NbaPredict.Core.Features.Scoring;
using NbaPredict.Graph.Features.Predictions;
using NbaPredict.Graph.GraphQL.Schema;
using NbaPredict.Graph.Security;

namespace NbaPredict.Graph.Features.Jobs;

public sealed class ModelScoreType : ObjectGraphType<ModelScoreView>
{
    public ModelScoreType()
    {
        Name = "ModelScore";
        Description = "How a model version's stored predictions did once the results were in: one game day and the rolling window ending there.";
        Field("modelVersion", s => s.ModelVersion);
        Field<NonNullGraphType<CalendarDateGraphType>>("date").Resolve(c => c.Source.GameDate);
        Field<NonNullGraphType<StatType>>("stat").Resolve(c => c.Source.Stat);
        Field("rows", s => s.Rows).Description("Scored player-games that day.");
        Field("mae", s => s.Mae);
        Field("coverage80", s => s.Coverage80).Description("Share of actual values inside the 80% interval.");
        Field("coverage95", s => s.Coverage95);
        Field("rollingDays", s => s.RollingDays);
        Field("rollingRows", s => s.RollingRows);
        Field("rollingMae", s => s.RollingMae);
        Field("rollingCoverage80", s => s.RollingCoverage80);
        Field("rollingCoverage95", s => s.RollingCoverage95);
        Field("reportedRows", s => s.ReportedRows).Description("Of rows, those predicted with their team's injury report (Prediction.absencesNamed).");
        Field<FloatGraphType>("reportedMae").Description("The MAE of those rows that day; null when there were none.")
            .Resolve(c => c.Source.ReportedRows == 0 ? null : c.Source.ReportedMae);
    }
}

public sealed class StatComparisonType : ObjectGraphType<StatComparison>
{
    public StatComparisonType()
    {
        Name = "StatComparison";
        Field<NonNullGraphType<StatType>>("stat").Resolve(c => c.Source.Stat);
        Field("candidateMae", s => s.CandidateMae);
        Field("championMae", s => s.ChampionMae).Description("0 when there was no production model.");
    }
}

public sealed class RetrainingDecisionType : ObjectGraphType<RetrainingDecisionView>
{
    public RetrainingDecisionType()
    {
        Name = "RetrainingDecision";
        Description = "One champion/challenger decision with the numbers it was taken on.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode("RetrainingDecision", c.Source.Id.ToString(CultureInfo.InvariantCulture)));
        Field<NonNullGraphType<DateTimeGraphType>>("decidedAt").Resolve(c => c.Source.DecidedAt.UtcDateTime);
        Field("trigger", d => d.Trigger).Description("schedule, drift #id, or what else asked for it.");
        Field("candidateVersion", d => d.CandidateVersion);
        Field("championVersion", d => d.ChampionVersion, nullable: true);
        Field<NonNullGraphType<CalendarDateGraphType>>("windowFrom").Resolve(c => c.Source.WindowFrom);
        Field<NonNullGraphType<CalendarDateGraphType>>("windowTo").Resolve(c => c.Source.WindowTo);
        Field("windowRows", d => d.WindowRows);
        Field("improvement", d => d.Improvement).Description("1 − mean over stats of candidate MAE / champion MAE.");
        Field("margin", d => d.Margin);
        Field("promoted", d => d.Promoted);
        Field("reason", d => d.Reason);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StatComparisonType>>>>("stats").Resolve(c => c.Source.Stats);
    }
}

public static class FeedbackLoopQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ModelScoreType>>>>("modelScores")
            .Description("The latest scores of a model version, one per stat (empty before its predictions were scored).")
            .Argument<NonNullGraphType<StringGraphType>>("modelVersion")
            .AuthorizeWithPolicy(Scopes.PredictionsRead)
            .ResolveAsync(async c => await c.Service<ModelScoringService>().LatestAsync(c.GetArgument<string>("modelVersion"), c.CancellationToken));
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<RetrainingDecisionType>>>>("retrainingDecisions")
            .Description("The latest champion/challenger decisions, newest first.")
            .Argument<IntGraphType>("last", "How many (1–100); default 10.")
            .AuthorizeWithPolicy(Scopes.PredictionsRead)
            .ResolveAsync(async c => await c.Service<RetrainingService>().ListAsync(c.GetArgument("last", 10), c.CancellationToken));
    }
}
