using NbaPredict.Graph.Security;
using System.Globalization;
using GraphQL;
using GraphQL.Types;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Experiments;
using NbaPredict.Graph.Features.Predictions;
using NbaPredict.Graph.GraphQL.Schema;

namespace NbaPredict.Graph.Features.Experiments;

public sealed class ExperimentStatusType : EnumerationGraphType<ExperimentStatus>
{
    public ExperimentStatusType()
    {
        Name = "ExperimentStatus";
    }
}

public sealed class ExperimentUnitType : EnumerationGraphType<ExperimentUnit>
{
    public ExperimentUnitType()
    {
        Name = "ExperimentUnit";
        Description = "What is assigned to a variant: a partner client or a player.";
    }
}

public sealed class ExperimentVariantType : ObjectGraphType<ExperimentVariant>
{
    public ExperimentVariantType()
    {
        Name = "ExperimentVariant";
        Field("modelVersion", v => v.ModelVersion);
        Field("weight", v => v.Weight).Description("Relative share of units assigned to this variant.");
    }
}

public sealed class ExperimentType : ObjectGraphType<ExperimentView>
{
    public ExperimentType()
    {
        Name = "Experiment";
        Description = "An A/B test between registered model versions.";
        Interface<NodeInterface>();
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode("Experiment", c.Source.Id.ToString(CultureInfo.InvariantCulture)));
        Field("experimentId", e => e.Id);
        Field("name", e => e.Name);
        Field<NonNullGraphType<ExperimentUnitType>>("unit").Resolve(c => c.Source.Unit);
        Field<NonNullGraphType<ExperimentStatusType>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt.UtcDateTime);
        Field<DateTimeGraphType>("startedAt").Resolve(c => c.Source.StartedAt?.UtcDateTime);
        Field<DateTimeGraphType>("stoppedAt").Resolve(c => c.Source.StoppedAt?.UtcDateTime);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ExperimentVariantType>>>>("variants").Resolve(c => c.Source.Variants);
    }
}

public sealed class ExperimentVariantInputType : InputObjectGraphType
{
    public ExperimentVariantInputType()
    {
        Name = "ExperimentVariantInput";
        Field<NonNullGraphType<StringGraphType>>("modelVersion");
        Field<NonNullGraphType<IntGraphType>>("weight");
    }
}

public sealed class CreateExperimentInputType : InputObjectGraphType
{
    public CreateExperimentInputType()
    {
        Name = "CreateExperimentInput";
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<NonNullGraphType<ExperimentUnitType>>("unit");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ExperimentVariantInputType>>>>("variants");
    }
}

public sealed record ExperimentPayload(ExperimentView? Experiment, IReadOnlyList<DomainException> Errors);

public sealed class ExperimentPayloadType : ObjectGraphType<ExperimentPayload>
{
    public ExperimentPayloadType()
    {
        Name = "ExperimentPayload";
        Field<ExperimentType>("experiment").Resolve(c => c.Source.Experiment);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public static class ExperimentQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ExperimentType>>>>("experiments")
            .AuthorizeWithPolicy(Scopes.InsightsRead)
            .Description("Every experiment, newest first.")
            .ResolveAsync(async c => await c.Service<ExperimentService>().ListAsync(c.CancellationToken));

        query.Field<ExperimentType>("experiment")
            .AuthorizeWithPolicy(Scopes.InsightsRead)
            .Argument<NonNullGraphType<IntGraphType>>("experimentId")
            .ResolveAsync(async c => await c.Service<ExperimentService>().GetAsync(c.GetArgument<int>("experimentId"), c.CancellationToken));
    }

    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<ExperimentPayloadType>>("createExperiment")
            .AuthorizeWithPolicy(Scopes.ExperimentsWrite)
            .Description("Create a draft experiment over two or more registered model versions with traffic weights.")
            .Argument<NonNullGraphType<CreateExperimentInputType>>("input")
            .ResolveAsync(async c =>
            {
                var input = c.GetArgument<Dictionary<string, object?>>("input");
                var variants = ((IEnumerable<object?>)input["variants"]!).Cast<Dictionary<string, object?>>()
                    .Select(v => new ExperimentVariant((string)v["modelVersion"]!, (int)v["weight"]!)).ToList();
                return await Run(() => c.Service<ExperimentService>().CreateAsync((string)input["name"]!, (ExperimentUnit)input["unit"]!, variants, c.CancellationToken));
            });

        mutation.Field<NonNullGraphType<ExperimentPayloadType>>("startExperiment")
            .AuthorizeWithPolicy(Scopes.ExperimentsWrite)
            .Description("Start a draft experiment; only one running experiment may claim a unit kind.")
            .Argument<NonNullGraphType<IntGraphType>>("experimentId")
            .ResolveAsync(async c => await Run(() => c.Service<ExperimentService>().StartAsync(c.GetArgument<int>("experimentId"), c.CancellationToken)));

        mutation.Field<NonNullGraphType<ExperimentPayloadType>>("stopExperiment")
            .AuthorizeWithPolicy(Scopes.ExperimentsWrite)
            .Argument<NonNullGraphType<IntGraphType>>("experimentId")
            .ResolveAsync(async c => await Run(() => c.Service<ExperimentService>().StopAsync(c.GetArgument<int>("experimentId"), c.CancellationToken)));
    }

    private static Task<ExperimentPayload> Run(Func<Task<ExperimentView>> action) =>
        DomainPayload.CaptureAsync(action, (experiment, errors) => new ExperimentPayload(experiment, errors));
}
