using System.Globalization;
using GraphQL;
using GraphQL.Types;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Experiments;
using NbaPredict.Graph.Features.Predictions;
using NbaPredict.Graph.GraphQL.Infrastructure;
using NbaPredict.Graph.GraphQL.Schema;
using NbaPredict.Graph.Security;

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

public sealed class ExperimentVariantType : ObjectGraphType<VariantResult>
{
    public ExperimentVariantType()
    {
        Name = "ExperimentVariant";
        Description = "A model version under test, with its record so far from stored predictions joined to real results.";
        Field("modelVersion", v => v.ModelVersion);
        Field("weight", v => v.Weight).Description("Relative share of units assigned to this variant.");
        Field("predictionsServed", v => v.PredictionsServed).Description("Stored predictions of this variant that were served (shadow predictions excluded).");
        Field("predictionsScored", v => v.PredictionsScored).Description("Player-games of the experiment with a real result that this variant predicted (served or shadow).");
        Field("mae", v => v.Mae, nullable: true).Description("Mean absolute error, averaged over the eight stats; null before any result.");
        Field("coverage80", v => v.Coverage80, nullable: true).Description("Share of real values inside the 80% interval (well calibrated: about 0.8).");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StatMaeType>>>>("statMae").Resolve(c => c.Source.StatMae);
    }
}

public sealed class StatMaeType : ObjectGraphType<StatMae>
{
    public StatMaeType()
    {
        Name = "StatMae";
        Field<NonNullGraphType<StatType>>("stat").Resolve(c => c.Source.Stat);
        Field("mae", s => s.Mae);
    }
}

public sealed class ExperimentResultType : ObjectGraphType<ExperimentResult>
{
    public ExperimentResultType()
    {
        Name = "ExperimentResult";
        Description = "The paired significance test (bootstrap on per-player-game absolute errors, fixed seed) between the variants.";
        Field("status", r => r.Status).Description("NOT_YET (sample smaller than the minimum), NO_SIGNIFICANT_DIFFERENCE or WINNER.");
        Field("winner", r => r.Winner, nullable: true).Description("The winning model version, or null (not yet, or no significant difference).");
        Field("pValue", r => r.PValue, nullable: true).Description("Two-sided p-value of the best variant against the closest other; null below the minimum sample.");
        Field("sampleSize", r => r.SampleSize).Description("Player-games with a real result predicted by every variant.");
        Field("minimumSampleSize", r => r.MinimumSampleSize);
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
        Field<DateTimeGraphType>("concludedAt").Resolve(c => c.Source.ConcludedAt?.UtcDateTime);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ExperimentVariantType>>>>("variants")
            .Resolve(c => LoadResult(c).Then(r => r!.Variants));
        Field<NonNullGraphType<ExperimentResultType>>("result").Resolve(c => LoadResult(c));
    }

    private static global::GraphQL.DataLoader.IDataLoaderResult<ExperimentResult?> LoadResult(IResolveFieldContext<ExperimentView> c)
    {
        var service = c.Service<ExperimentService>();
        return c.Loaders().GetOrAddBatchLoader<int, ExperimentResult>("experimentResults", service.GetResultsAsync).LoadAsync(c.Source.Id);
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
            .Description("Every experiment, newest first.")
            .AuthorizeWithPolicy(Scopes.PredictionsRead)
            .ResolveAsync(async c => await c.Service<ExperimentService>().ListAsync(c.CancellationToken));

        query.Field<ExperimentType>("experiment")
            .AuthorizeWithPolicy(Scopes.PredictionsRead)
            .Argument<NonNullGraphType<IntGraphType>>("experimentId")
            .ResolveAsync(async c => await c.Service<ExperimentService>().GetAsync(c.GetArgument<int>("experimentId"), c.CancellationToken));
    }

    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<ExperimentPayloadType>>("createExperiment")
            .AuthorizeWithPolicy(Scopes.ExperimentsWrite)
            .Description("Create a draft experiment over two or more registered model versions with traffic weights.")
            .AuthorizeWithPolicy(Scopes.ExperimentsWrite)
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
            .AuthorizeWithPolicy(Scopes.ExperimentsWrite)
            .Argument<NonNullGraphType<IntGraphType>>("experimentId")
            .ResolveAsync(async c => await Run(() => c.Service<ExperimentService>().StartAsync(c.GetArgument<int>("experimentId"), c.CancellationToken)));

        mutation.Field<NonNullGraphType<ExperimentPayloadType>>("stopExperiment")
            .Description("Stop a running experiment: every unit is served the production model again.")
            .AuthorizeWithPolicy(Scopes.ExperimentsWrite)
            .Argument<NonNullGraphType<IntGraphType>>("experimentId")
            .ResolveAsync(async c => await Run(() => c.Service<ExperimentService>().StopAsync(c.GetArgument<int>("experimentId"), c.CancellationToken)));

        mutation.Field<NonNullGraphType<ExperimentPayloadType>>("concludeExperiment")
            .Description("Conclude a running or stopped experiment, recording its winner; with promoteWinner, the winner becomes the production model.")
            .AuthorizeWithPolicy(Scopes.ExperimentsWrite)
            .Argument<NonNullGraphType<IntGraphType>>("experimentId")
            .Argument<NonNullGraphType<BooleanGraphType>>("promoteWinner")
            .ResolveAsync(async c => await Run(() => c.Service<ExperimentService>().ConcludeAsync(
                c.GetArgument<int>("experimentId"), c.GetArgument<bool>("promoteWinner"), c.CancellationToken)));
    }

    private static Task<ExperimentPayload> Run(Func<Task<ExperimentView>> action) =>
        DomainPayload.CaptureAsync(action, (experiment, errors) => new ExperimentPayload(experiment, errors));
}
