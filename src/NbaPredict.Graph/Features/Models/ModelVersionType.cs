using NbaPredict.Graph.Security;
using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Models;
using NbaPredict.Graph.Features.Predictions;
using NbaPredict.Graph.GraphQL.Schema;
using NbaPredict.Ml.Evaluation;

namespace NbaPredict.Graph.Features.Models;

public sealed class ModelStageType : EnumerationGraphType<ModelStage>
{
    public ModelStageType()
    {
        Name = "ModelStage";
    }
}

/// <summary>Validation metrics of one stat, read from the model's registry entry.</summary>
public sealed record ModelStatMetrics(
    string Stat, int Rows, double Mae, double Rmse, double BaselineLast10Mae, double ImprovementVsLast10Pct, double Coverage80, double Coverage95,
    double? BaselineLast10RoundedMae, double? ImprovementVsLast10RoundedPct);

public sealed class ModelStatMetricsType : ObjectGraphType<ModelStatMetrics>
{
    public ModelStatMetricsType()
    {
        Name = "ModelStatMetrics";
        Field<NonNullGraphType<StatType>>("stat").Resolve(c => c.Source.Stat);
        Field("rows", m => m.Rows);
        Field("mae", m => m.Mae);
        Field("rmse", m => m.Rmse);
        Field("baselineLast10Mae", m => m.BaselineLast10Mae).Description("MAE of the player's last-10-game mean on the same rows.");
        Field("improvementVsLast10Pct", m => m.ImprovementVsLast10Pct);
        Field("baselineLast10RoundedMae", m => m.BaselineLast10RoundedMae, nullable: true)
            .Description("MAE of the last-10-game mean rounded to a whole number (counted stats; minutes unrounded), the way the model rounds its own predictions (ADR 0023); null for models trained before it was measured.");
        Field("improvementVsLast10RoundedPct", m => m.ImprovementVsLast10RoundedPct, nullable: true);
        Field("coverage80", m => m.Coverage80).Description("Share of actual values inside the 80% interval.");
        Field("coverage95", m => m.Coverage95);
    }
}

public sealed class ModelVersionType : ObjectGraphType<ModelVersion>
{
    public ModelVersionType()
    {
        Name = "ModelVersion";
        Description = "A trained model in the registry.";
        Field("version", m => m.Version);
        Field<NonNullGraphType<ModelStageType>>("stage").Resolve(c => c.Source.Stage);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt.UtcDateTime);
        Field<DateTimeGraphType>("promotedAt").Resolve(c => c.Source.PromotedAt?.UtcDateTime);
        Field("featureSchemaVersion", m => m.FeatureSchemaVersion);
        Field<NonNullGraphType<CalendarDateGraphType>>("trainFrom").Resolve(c => c.Source.TrainFrom);
        Field<NonNullGraphType<CalendarDateGraphType>>("trainTo").Resolve(c => c.Source.TrainTo).Description("Exclusive end of the training window.");
        Field<NonNullGraphType<CalendarDateGraphType>>("validationFrom").Resolve(c => c.Source.CalibrationFrom);
        Field<NonNullGraphType<CalendarDateGraphType>>("validationTo").Resolve(c => c.Source.CalibrationTo);
        Field("trainingRows", m => m.TrainingRows);
        Field("trainingSeconds", m => m.TrainingSeconds);
        Field("dataHash", m => m.DataHash);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ModelStatMetricsType>>>>("metrics").Resolve(c => ParseMetrics(c.Source.MetricsJson));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ModelStatMetricsType>>>>("knownAbsenceMetrics")
            .Description("The known-absence model, which serves what-ifs that name their unavailable players, on the same validation rows with each game's absences named; empty for models trained without it.")
            .Resolve(c => ParseMetrics(c.Source.KnownAbsenceMetricsJson));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FeatureImportanceType>>>>("featureImportances")
            .Description("The features the tree members split on most for a stat, weighted by stacking weight; shares sum to 1 over all features.")
            .Argument<NonNullGraphType<StatType>>("stat")
            .Argument<IntGraphType>("top", "How many (1–50); default 10.")
            .ResolveAsync(async c =>
            {
                var top = c.GetArgument("top", 10);
                if (top is < 1 or > 50)
                {
                    throw new ExecutionError($"'top' must be between 1 and 50; got {top}") { Code = "INVALID_ARGUMENT" };
                }

                var stat = Enum.Parse<NbaPredict.Ml.Data.StatKind>(c.GetArgument<string>("stat"), ignoreCase: true);
                // A refusal (an artifact that cannot be loaded) becomes a coded error in DomainErrorMiddleware.
                return await c.Service<FeatureImportanceService>().GetAsync(c.Source, stat, top, c.CancellationToken);
            });
    }

    internal static IReadOnlyList<ModelStatMetrics> ParseMetrics(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = new List<ModelStatMetrics>();
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            var m = entry.Value;
            double D(string name) => m.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
            var last10 = D("baselineLast10Mae");
            var mae = D("mae");
            var rounded = D("baselineLast10RoundedMae");
            result.Add(new ModelStatMetrics(
                entry.Name.ToUpperInvariant(), (int)D("rows"), mae, D("rmse"), last10, StatMetrics.ImprovementPct(mae, last10), D("coverage80"), D("coverage95"),
                rounded > 0 ? rounded : null, rounded > 0 ? StatMetrics.ImprovementPct(mae, rounded) : null));
        }

        return result;
    }
}

public sealed class FeatureImportanceType : ObjectGraphType<FeatureImportance>
{
    public FeatureImportanceType()
    {
        Name = "FeatureImportance";
        Field("feature", f => f.Feature).Description("Feature name from the model's feature schema.");
        Field("importance", f => f.Importance).Description("Share of weighted splits on this feature.");
    }
}

public sealed record PromoteModelPayload(ModelVersion? Model, IReadOnlyList<DomainException> Errors);

public sealed class PromoteModelPayloadType : ObjectGraphType<PromoteModelPayload>
{
    public PromoteModelPayloadType()
    {
        Name = "PromoteModelPayload";
        Field<ModelVersionType>("model").Resolve(c => c.Source.Model);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public sealed class TrainingJobStateType : EnumerationGraphType<TrainingJobState>
{
    public TrainingJobStateType()
    {
        Name = "TrainingJobState";
    }
}

public sealed class TrainingProgressType : ObjectGraphType<TrainingProgress>
{
    public TrainingProgressType()
    {
        Name = "TrainingProgress";
        Description = "The latest state of a training job.";
        Field<NonNullGraphType<IdGraphType>>("jobId").Resolve(c => c.Source.JobId);
        Field<NonNullGraphType<TrainingJobStateType>>("state").Resolve(c => c.Source.State);
        Field("message", p => p.Message);
        Field("modelVersion", p => p.ModelVersion, nullable: true).Description("Set when the job has registered its model.");
        Field<NonNullGraphType<DateTimeGraphType>>("at").Resolve(c => c.Source.At.UtcDateTime);
    }
}

public sealed record TrainModelPayload(TrainingProgress? Job, IReadOnlyList<DomainException> Errors);

public sealed class TrainModelPayloadType : ObjectGraphType<TrainModelPayload>
{
    public TrainModelPayloadType()
    {
        Name = "TrainModelPayload";
        Field<IdGraphType>("jobId").Resolve(c => c.Source.Job?.JobId).Description("Follow it with trainingProgress(jobId:) or trainingJob(id:).");
        Field<TrainingProgressType>("job").Resolve(c => c.Source.Job);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public static class ModelQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ModelVersionType>>>>("models")
            .AuthorizeWithPolicy(Scopes.PredictionsRead)
            .Description("Every registered model version, newest first.")
            .ResolveAsync(async c => await c.Service<ModelRegistryService>().ListAsync(c.CancellationToken));

        query.Field<TrainingProgressType>("trainingJob")
            .AuthorizeWithPolicy(Scopes.ModelsAdmin)
            .Description("The latest state of a training job started with trainModel; null for an unknown id.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve(c => c.Service<TrainingJobs>().Get(c.GetArgument<string>("id")));
    }

    public static void AddSubscriptions(ObjectGraphType subscription)
    {
        subscription.Field<NonNullGraphType<TrainingProgressType>, TrainingProgress>("trainingProgress")
            .AuthorizeWithPolicy(Scopes.ModelsAdmin)
            .Description("Progress of a training job until it succeeds or fails.")
            .Argument<NonNullGraphType<IdGraphType>>("jobId")
            .ResolveStream(c => c.Service<NbaPredict.Core.Events.IEventBus>().Subscribe<TrainingProgress>(TrainingJobs.Topic(c.GetArgument<string>("jobId"))));

        subscription.Field<NonNullGraphType<ModelVersionType>, ModelVersion>("modelPromoted")
            .AuthorizeWithPolicy(Scopes.ModelsAdmin)
            .Description("A model version that has just become the production model.")
            .ResolveStream(c => c.Service<NbaPredict.Core.Events.IEventBus>().Subscribe<ModelVersion>(NbaPredict.Core.Events.Topics.ModelPromoted));
    }

    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<TrainModelPayloadType>>("trainModel")
            .AuthorizeWithPolicy(Scopes.ModelsAdmin)
            .Description("Start training a new model version on the stored data; returns the job id at once.")
            .Argument<BooleanGraphType>("promote", "Make the new model production when it finishes; default false.")
            .Argument<BooleanGraphType>("quick", "Use the quick configuration (minutes instead of tens of minutes); default false.")
            .ResolveAsync(async c =>
            {
                var options = c.GetArgument("quick", false) ? NbaPredict.Ml.Modeling.TrainingOptions.Quick : null;
                return await DomainPayload.CaptureAsync(
                    () => Task.FromResult(c.Service<TrainingJobs>().Start(new TrainingRequest(null, c.GetArgument("promote", false), options))),
                    (job, errors) => new TrainModelPayload(job, errors));
            });

        mutation.Field<NonNullGraphType<PromoteModelPayloadType>>("promoteModel")
            .AuthorizeWithPolicy(Scopes.ModelsAdmin)
            .Description("Make a registered model version the production model; the previous one is archived.")
            .Argument<NonNullGraphType<StringGraphType>>("version")
            .ResolveAsync(async c => await DomainPayload.CaptureAsync(
                () => c.Service<ModelRegistryService>().PromoteAsync(c.GetArgument<string>("version"), c.CancellationToken),
                (model, errors) => new PromoteModelPayload(model, errors)));
    }
}
