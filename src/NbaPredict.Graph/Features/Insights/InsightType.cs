using System.Globalization;
using System.Security.Claims;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Insights;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Graph.Features.Predictions;
using NbaPredict.Graph.GraphQL.Infrastructure;
using NbaPredict.Graph.GraphQL.Schema;
using NbaPredict.Graph.Security;

namespace NbaPredict.Graph.Features.Insights;

public sealed class InsightDepthType : EnumerationGraphType<InsightDepth>
{
    public InsightDepthType()
    {
        Name = "InsightDepth";
        Description = "SUMMARY: 3–4 sentences from the cheap model. DEEP_DIVE: 5–6 sentences from the strong model.";
    }
}

public sealed class InsightOutcomeType : EnumerationGraphType<InsightOutcome>
{
    public InsightOutcomeType()
    {
        Name = "InsightOutcome";
        Description = "How the text came about: offline generator, grounded LLM answer (first try or retry), or an offline replacement (grounding failed twice, budget spent, provider error).";
    }
}

public sealed class InsightDriverFeatureType : ObjectGraphType<DriverFeatureFact>
{
    public InsightDriverFeatureType()
    {
        Name = "InsightDriverFeature";
        Field("feature", f => f.Feature);
        Field("value", f => f.Value).Description("The player's value of the feature for this game.");
        Field("average", f => f.Average).Description("The average training player-game's value.");
        Field("contribution", f => f.Contribution).Description("Prediction minus the prediction with only this feature set to its average.");
    }
}

public sealed class InsightDriverType : ObjectGraphType<DriverFact>
{
    public InsightDriverType()
    {
        Name = "InsightDriver";
        Description = "A group of features and its signed contribution to one stat's prediction, in that stat's units.";
        Field<NonNullGraphType<StatType>>("stat").Resolve(c => c.Source.Stat);
        Field("group", d => d.Group).Description("RecentForm, SeasonAverage, MinutesRole, TeammatesMissing, OpponentDefence, Rest, HomeAway or TeamContext.");
        Field("label", d => d.Label);
        Field("contribution", d => d.Contribution);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<InsightDriverFeatureType>>>>("features").Resolve(c => c.Source.Features);
    }
}

public sealed record EvaluationScore(string Name, double Value);

public sealed class EvaluationScoreType : ObjectGraphType<EvaluationScore>
{
    public EvaluationScoreType()
    {
        Name = "InsightEvaluationScore";
        Field("name", s => s.Name);
        Field("value", s => s.Value);
    }
}

public sealed class InsightType : ObjectGraphType<InsightView>
{
    public InsightType()
    {
        Name = "Insight";
        Description = "A plain-language explanation of a prediction, grounded in the model's drivers and the player's data.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode("Insight", c.Source.Id.ToString(CultureInfo.InvariantCulture)));
        Field<PredictionType>("prediction")
            .Description("The prediction explained; null once a refresh replaced it (the insight stays on record).")
            .Resolve(c =>
            {
                if (c.Source.PredictionId is not { } id)
                {
                    return null;
                }

                var service = c.Service<PredictionService>();
                return c.Loaders().GetOrAddBatchLoader<long, PredictionView>("predictionsById", service.GetManyAsync).LoadAsync(id);
            });
        Field<NonNullGraphType<InsightDepthType>>("depth").Resolve(c => c.Source.Depth);
        Field("text", i => i.Text);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<InsightDriverType>>>>("drivers").Resolve(c => c.Source.Drivers);
        Field("facts", i => i.FactsJson).Description("Every fact the text could use, as JSON.");
        Field("promptId", i => i.PromptId);
        Field("promptVersion", i => i.PromptVersion);
        Field("provider", i => i.Provider).Description("offline, openai, azure or ollama.");
        Field("model", i => i.Model);
        Field("tokensIn", i => i.TokensIn);
        Field("tokensOut", i => i.TokensOut);
        Field("cost", i => i.Cost).Description("From the configured price per 1,000 tokens.");
        Field("latencyMs", i => i.LatencyMs);
        Field("attempts", i => i.Attempts).Description("LLM calls made (0 offline, 2 when the first answer failed the grounding check).");
        Field<NonNullGraphType<InsightOutcomeType>>("outcome").Resolve(c => c.Source.Outcome);
        Field("groundingIssues", i => i.GroundingIssues, nullable: true).Description("Why the last rejected answer failed the grounding check.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EvaluationScoreType>>>>("evaluation")
            .Description("Microsoft.Extensions.AI.Evaluation scores, when an LLM wrote the text.")
            .Resolve(c => c.Source.Evaluation.Select(e => new EvaluationScore(e.Key, e.Value)).OrderBy(e => e.Name, StringComparer.Ordinal).ToList());
        Field("cached", i => i.Cached).Description("True when this request reused a stored insight (no tokens spent).");
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt.UtcDateTime);
    }
}

public sealed class InsightRatingType : ObjectGraphType<InsightRatingView>
{
    public InsightRatingType()
    {
        Name = "InsightRating";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode("InsightRating", c.Source.Id.ToString(CultureInfo.InvariantCulture)));
        Field("helpful", r => r.Helpful);
        Field("comment", r => r.Comment, nullable: true);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt.UtcDateTime);
    }
}

public sealed class InsightPromptStatsType : ObjectGraphType<InsightPromptStats>
{
    public InsightPromptStatsType()
    {
        Name = "InsightPromptStats";
        Description = "Costs, quality counters and ratings of one prompt version from one provider.";
        Field("promptId", s => s.PromptId);
        Field("promptVersion", s => s.PromptVersion);
        Field("provider", s => s.Provider);
        Field("insights", s => s.Insights);
        Field<NonNullGraphType<FloatGraphType>>("tokensIn").Resolve(c => (double)c.Source.TokensIn);
        Field<NonNullGraphType<FloatGraphType>>("tokensOut").Resolve(c => (double)c.Source.TokensOut);
        Field("cost", s => s.Cost);
        Field("averageLatencyMs", s => s.AverageLatencyMs);
        Field("regenerated", s => s.Regenerated).Description("Insights whose first LLM answer failed the grounding check.");
        Field("replacedByOffline", s => s.ReplacedByOffline).Description("Insights whose LLM answers failed the grounding check twice.");
        Field("budgetFallbacks", s => s.BudgetFallbacks);
        Field("providerErrors", s => s.ProviderErrors);
        Field("ratings", s => s.Ratings);
        Field("helpful", s => s.Helpful);
        Field("notHelpful", s => s.NotHelpful);
        Field("helpfulShare", s => s.HelpfulShare, nullable: true);
    }
}

public sealed record RateInsightPayload(InsightRatingView? Rating, IReadOnlyList<DomainException> Errors);

public sealed class RateInsightPayloadType : ObjectGraphType<RateInsightPayload>
{
    public RateInsightPayloadType()
    {
        Name = "RateInsightPayload";
        Field<InsightRatingType>("rating").Resolve(c => c.Source.Rating);
        Field<InsightType>("insight").Resolve(c => c.Source.Rating is { } rating ? InsightQueries.LoadInsight(c, rating.InsightId) : null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public static class InsightQueries
{
    public const string ClientIdClaim = "client_id";

    /// <summary>Adds <c>Prediction.insight(depth)</c>.</summary>
    public static void AddPredictionField(ObjectGraphType<PredictionView> prediction)
    {
        prediction.Field<InsightType>("insight")
            .Description("A plain-language explanation of this prediction, generated on first request and then reused.")
            .Argument<InsightDepthType>("depth", "SUMMARY (default) or DEEP_DIVE.", a => a.DefaultValue = InsightDepth.Summary)
            .AuthorizeWithPolicy(Scopes.InsightsRead)
            .Resolve(c =>
            {
                var depth = c.GetArgument("depth", InsightDepth.Summary);
                var client = ClientId(c);
                var service = c.Service<InsightService>();
                return c.Loaders()
                    .GetOrAddBatchLoader<long, InsightView>($"insights:{depth}", (ids, ct) => service.GetManyAsync(ids, depth, client, ct))
                    .LoadAsync(c.Source.Id);
            });
    }

    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionType<InsightType, InsightView>>>("insights")
            .Description("Stored insights about a player, newest first.")
            .Argument<NonNullGraphType<IntGraphType>>("playerNbaId")
            .Argument<IntGraphType>("first", "Page size, 0–100; default 20.")
            .Argument<StringGraphType>("after")
            .AuthorizeWithPolicy(Scopes.InsightsRead)
            .Resolve(c =>
            {
                var page = Cursors.Page(c);
                var service = c.Service<InsightService>();
                return c.Loaders()
                    .GetOrAddCollectionBatchLoader<int, InsightView>("insightsByPlayer", service.ListForPlayersAsync)
                    .LoadAsync(c.GetArgument<int>("playerNbaId"))
                    .Then(all =>
                    {
                        var list = all.ToList();
                        return Connection.From(new Page<InsightView>(list.Skip(page.Offset).Take(page.Size).ToList(), page.Offset, list.Count));
                    });
            });

        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<InsightPromptStatsType>>>>("insightStats")
            .Description("Costs, grounding failures and ratings aggregated per prompt version and provider.")
            .AuthorizeWithPolicy(Scopes.InsightsRead)
            .ResolveAsync(async c => await c.Service<InsightService>().StatsAsync(c.CancellationToken));
    }

    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<RateInsightPayloadType>>("rateInsight")
            .Description("Rate an insight as helpful or not, with an optional comment (at most 1,000 characters).")
            .Argument<NonNullGraphType<IdGraphType>>("insightId", "An Insight's id (global or numeric).")
            .Argument<NonNullGraphType<BooleanGraphType>>("helpful")
            .Argument<StringGraphType>("comment")
            .AuthorizeWithPolicy(Scopes.InsightsRead)
            .ResolveAsync(async c => await DomainPayload.CaptureAsync(
                () => c.Service<InsightService>().RateAsync(
                    InsightId(c.GetArgument<string>("insightId")), c.GetArgument<bool>("helpful"), c.GetArgument<string?>("comment"), ClientId(c), c.CancellationToken),
                (rating, errors) => new RateInsightPayload(rating, errors)));
    }

    internal static IDataLoaderResult<InsightView?> LoadInsight(IResolveFieldContext context, long insightId)
    {
        var service = context.Service<InsightService>();
        return context.Loaders().GetOrAddBatchLoader<long, InsightView>("insightsById", service.GetByIdsAsync).LoadAsync(insightId);
    }

    /// <summary>The caller's OAuth client (its tokens count against its own daily budget), or "anonymous".</summary>
    private static string ClientId(IResolveFieldContext context) => ClientIdOf(context.User);

    /// <summary>The same rule for REST, so a client's budget is one budget whichever API it calls.</summary>
    public static string ClientIdOf(ClaimsPrincipal? user) =>
        user?.FindFirst(ClientIdClaim)?.Value is { Length: > 0 } client ? client : InsightService.AnonymousClient;

    private static long InsightId(string value)
    {
        var key = GlobalId.TryDecode(value, out var type, out var decoded) && type == "Insight" ? decoded : value;
        return long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new DomainException("INVALID_ID", $"'{value}' is not an Insight id");
    }
}
