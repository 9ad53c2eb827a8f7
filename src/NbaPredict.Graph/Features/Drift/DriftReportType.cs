using NbaPredict.Graph.Security;
using System.Globalization;
using GraphQL;
using GraphQL.Types;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Drift;
using NbaPredict.Graph.Features.Predictions;
using NbaPredict.Graph.GraphQL.Schema;

namespace NbaPredict.Graph.Features.Drift;

public sealed class FeatureDriftType : ObjectGraphType<FeatureDrift>
{
    public FeatureDriftType()
    {
        Name = "FeatureDrift";
        Field("feature", f => f.Feature);
        Field("psi", f => f.Psi).Description("Population stability index; above 0.25 is a real shift.");
        Field("ksStatistic", f => f.KsStatistic);
        Field("ksPValue", f => f.KsPValue);
    }
}

public sealed class StatDriftType : ObjectGraphType<StatDrift>
{
    public StatDriftType()
    {
        Name = "StatDrift";
        Field<NonNullGraphType<StatType>>("stat").Resolve(c => c.Source.Stat);
        Field("predictionPsi", s => s.PredictionPsi).Description("PSI of the model's predictions, recent against training window.");
        Field("recentMae", s => s.RecentMae);
        Field("validationMae", s => s.ValidationMae);
        Field("errorRatio", s => s.ErrorRatio).Description("recentMae / validationMae.");
    }
}

public sealed class DriftReportType : ObjectGraphType<DriftReportView>
{
    public DriftReportType()
    {
        Name = "DriftReport";
        Description = "Recent games compared with the production model's training window.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode("DriftReport", c.Source.Id.ToString(CultureInfo.InvariantCulture)));
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt.UtcDateTime);
        Field("modelVersion", r => r.ModelVersion);
        Field<NonNullGraphType<CalendarDateGraphType>>("referenceFrom").Resolve(c => c.Source.ReferenceFrom);
        Field<NonNullGraphType<CalendarDateGraphType>>("referenceTo").Resolve(c => c.Source.ReferenceTo);
        Field<NonNullGraphType<CalendarDateGraphType>>("recentFrom").Resolve(c => c.Source.RecentFrom);
        Field<NonNullGraphType<CalendarDateGraphType>>("recentTo").Resolve(c => c.Source.RecentTo);
        Field("referenceRows", r => r.ReferenceRows);
        Field("recentRows", r => r.RecentRows);
        Field("maxFeaturePsi", r => r.MaxFeaturePsi);
        Field("drifted", r => r.Drifted);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FeatureDriftType>>>>("features").Description("The 25 features with the highest PSI.").Resolve(c => c.Source.Features);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StatDriftType>>>>("stats").Resolve(c => c.Source.Stats);
    }
}

public sealed record DetectDriftPayload(DriftReportView? Report, IReadOnlyList<DomainException> Errors);

public sealed class DetectDriftPayloadType : ObjectGraphType<DetectDriftPayload>
{
    public DetectDriftPayloadType()
    {
        Name = "DetectDriftPayload";
        Field<DriftReportType>("report").Resolve(c => c.Source.Report);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public static class DriftQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<DriftReportType>>>>("driftReports")
            .AuthorizeWithPolicy(Scopes.InsightsRead)
            .Description("The latest drift reports, newest first.")
            .Argument<IntGraphType>("last", "How many (1–100); default 10.")
            .ResolveAsync(async c => await c.Service<DriftService>().ListAsync(c.GetArgument("last", 10), c.CancellationToken));
    }

    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<DetectDriftPayloadType>>("detectDrift")
            .AuthorizeWithPolicy(Scopes.ModelsAdmin)
            .Description("Compare the last days of games with the production model's training window and store the report.")
            .Argument<IntGraphType>("recentDays", "Window of recent games in days; default 30.")
            .Argument<FloatGraphType>("psiThreshold", "A feature PSI above this flags drift; default 0.25.")
            .Argument<FloatGraphType>("errorRatioThreshold", "Recent MAE / validation MAE above this flags drift; default 1.25.")
            .ResolveAsync(async c => await DomainPayload.CaptureAsync(
                () => c.Service<DriftService>().RunAsync(
                    c.GetArgument("recentDays", 30),
                    c.GetArgument("psiThreshold", DriftService.DefaultPsiThreshold),
                    c.GetArgument("errorRatioThreshold", DriftService.DefaultErrorRatioThreshold),
                    c.CancellationToken),
                (report, errors) => new DetectDriftPayload(report, errors)));
    }

    public static void AddSubscriptions(ObjectGraphType subscription)
    {
        subscription.Field<NonNullGraphType<DriftReportType>, DriftReportView>("driftDetected")
            .AuthorizeWithPolicy(Scopes.InsightsRead)
            .Description("Drift reports that crossed their thresholds.")
            .ResolveStream(c => c.Service<NbaPredict.Core.Events.IEventBus>().Subscribe<DriftReportView>(DriftService.Topic));
    }
}
