using NbaPredict.Graph.Security;
using System.Globalization;
using GraphQL;
using GraphQL.Types;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Graph.Features.Games;
using NbaPredict.Graph.Features.Players;
using NbaPredict.Graph.Features.Teams;
using NbaPredict.Graph.GraphQL.Infrastructure;
using NbaPredict.Graph.GraphQL.Schema;

namespace NbaPredict.Graph.Features.Predictions;

public sealed class StatType : EnumerationGraphType
{
    public StatType()
    {
        Name = "Stat";
        Description = "A predicted box-score stat.";
        foreach (var stat in new[] { "PTS", "REB", "AST", "FG3M", "STL", "BLK", "TOV", "MIN" })
        {
            Add(stat, stat);
        }
    }
}

public sealed class StatPredictionType : ObjectGraphType<PredictedStat>
{
    public StatPredictionType()
    {
        Name = "StatPrediction";
        Description = "One stat's predicted value with calibrated central 80% and 95% intervals.";
        Field<NonNullGraphType<StatType>>("stat").Resolve(c => c.Source.Stat);
        Field("value", s => s.Value).Description("Point prediction (fit to absolute error, so close to a median).");
        Field("lower80", s => s.Lower80);
        Field("upper80", s => s.Upper80);
        Field("lower95", s => s.Lower95);
        Field("upper95", s => s.Upper95);
    }
}

public sealed class PredictionType : ObjectGraphType<PredictionView>
{
    public PredictionType()
    {
        Name = "Prediction";
        this.AuthorizeWithPolicy(Scopes.PredictionsRead);
        Description = "A player's predicted line for one game, made by one model version from history before the game's date.";
        Interface<NodeInterface>();
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode("Prediction", c.Source.Id.ToString(CultureInfo.InvariantCulture)));
        Field<NonNullGraphType<PlayerType>>("player").Resolve(c => c.LoadPlayer(c.Source.PlayerId));
        Field<NonNullGraphType<GameType>>("game").Resolve(c => PlayerGameType.LoadGame(c, c.Source.GameId));
        Field<NonNullGraphType<TeamType>>("team").Resolve(c => c.LoadTeam(c.Source.TeamId));
        Field<NonNullGraphType<TeamType>>("opponent").Resolve(c => c.LoadTeam(c.Source.OpponentTeamId));
        Field("home", p => p.Home);
        Field<NonNullGraphType<CalendarDateGraphType>>("date").Resolve(c => c.Source.GameDate);
        Field("modelVersion", p => p.ModelVersion);
        Field("featureSchemaVersion", p => p.FeatureSchemaVersion);
        Field("inputsHash", p => p.InputsHash).Description("SHA-256 of the feature vector the model saw.");
        Field("experimentId", p => p.ExperimentId, nullable: true).Description("The experiment this prediction was made under (its variant is modelVersion), or null.");
        Field("absencesNamed", p => p.AbsencesNamed)
            .Description("True when the team's injury report (reportAvailability) named who is out: those teammates counted as absent, and the model trained for named absences predicted when the model version has one. False: absences were inferred from the team's last game.");
        Field("served", p => p.Served).Description("False for an experiment's shadow prediction: another variant's line kept only for the paired comparison.");
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt.UtcDateTime);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StatPredictionType>>>>("stats").Resolve(c => c.Source.Stats);
        Field<PlayerGameType>("actual")
            .Description("The player's real line once the game is played (null before, or if he did not play).")
            .Resolve(c =>
            {
                var service = c.Service<NbaPredict.Core.Features.Games.GameService>();
                var playerId = c.Source.PlayerId;
                return c.Loaders()
                    .GetOrAddCollectionBatchLoader<string, NbaPredict.Core.Domain.PlayerGame>("boxScores", (ids, ct) => service.GetBoxScoresAsync(ids, ct))
                    .LoadAsync(c.Source.GameId)
                    .Then(lines => lines.FirstOrDefault(l => l.PlayerId == playerId));
            });
        Insights.InsightQueries.AddPredictionField(this);
    }
}

public sealed class UserErrorType : ObjectGraphType<DomainException>
{
    public UserErrorType()
    {
        Name = "UserError";
        Description = "A request the domain refused, with a stable code (for example NO_MODEL_YET or NO_GAMES).";
        Field("code", e => e.Code);
        Field("message", e => e.Message);
    }
}

public sealed record RefreshPredictionsPayload(DateOnly Date, string? ModelVersion, IReadOnlyList<PredictionView> Predictions, IReadOnlyList<DomainException> Errors);

public sealed class RefreshPredictionsPayloadType : ObjectGraphType<RefreshPredictionsPayload>
{
    public RefreshPredictionsPayloadType()
    {
        Name = "RefreshPredictionsPayload";
        Field<NonNullGraphType<CalendarDateGraphType>>("date").Resolve(c => c.Source.Date);
        Field("modelVersion", p => p.ModelVersion, nullable: true);
        Field<NonNullGraphType<IntGraphType>>("count").Resolve(c => c.Source.Predictions.Count);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PredictionType>>>>("predictions").Resolve(c => c.Source.Predictions);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public sealed class PredictInputType : InputObjectGraphType
{
    public PredictInputType()
    {
        Name = "PredictInput";
        Description = "A hypothetical game: this player against that opponent, at home or away, on that date.";
        Field<NonNullGraphType<IntGraphType>>("playerNbaId");
        Field<NonNullGraphType<StringGraphType>>("opponent").Description("Team abbreviation such as BOS.");
        Field<NonNullGraphType<BooleanGraphType>>("home");
        Field<NonNullGraphType<CalendarDateGraphType>>("date");
        Field<ListGraphType<NonNullGraphType<IntGraphType>>>("unavailablePlayerNbaIds")
            .Description("Players known to miss the game (an injury report or inactive list), at most 32. When given, exactly these teammates count as absent, instead of those who missed the team's last game; [] means nobody is out.");
    }
}

public sealed class WhatIfPredictionType : ObjectGraphType<WhatIfPrediction>
{
    public WhatIfPredictionType()
    {
        Name = "WhatIfPrediction";
        Description = "A prediction for a hypothetical game, from history strictly before its date. Not stored.";
        Field<NonNullGraphType<PlayerType>>("player").Resolve(c => c.LoadPlayer(c.Source.PlayerId));
        Field<NonNullGraphType<TeamType>>("team").Resolve(c => c.LoadTeam(c.Source.TeamId));
        Field<NonNullGraphType<TeamType>>("opponent").Resolve(c => c.LoadTeam(c.Source.OpponentTeamId));
        Field("home", p => p.Home);
        Field<NonNullGraphType<CalendarDateGraphType>>("date").Resolve(c => c.Source.Date);
        Field("modelVersion", p => p.ModelVersion);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StatPredictionType>>>>("stats").Resolve(c => c.Source.Stats);
        Field<ListGraphType<NonNullGraphType<IntGraphType>>>("unavailablePlayerNbaIds")
            .Description("The players assumed out, as given; null when none were given (absences then come from the team's last game).")
            .Resolve(c => c.Source.UnavailablePlayerIds);
        Field("knownAbsenceModel", p => p.KnownAbsenceModel)
            .Description("True when the model trained for named absences predicted: a list was given and the production model has one. False: the history ensemble predicted.");
    }
}

public sealed record PredictPayload(WhatIfPrediction? Prediction, IReadOnlyList<DomainException> Errors);

public sealed class PredictPayloadType : ObjectGraphType<PredictPayload>
{
    public PredictPayloadType()
    {
        Name = "PredictPayload";
        Field<WhatIfPredictionType>("prediction").Resolve(c => c.Source.Prediction);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public static class PredictionQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionType<PredictionType, PredictionView>>>("predictions")
            .AuthorizeWithPolicy(Scopes.PredictionsRead)
            .Description("Predictions of the production model. With a date, that day's slate is predicted and stored on first request.")
            .Argument<CalendarDateGraphType>("date")
            .Argument<IdGraphType>("gameId", "NBA game id (e.g. 0022300061) or a Game's global id.")
            .Argument<IntGraphType>("playerNbaId")
            .Argument<IntGraphType>("first", "Page size, 0–100; default 20.")
            .Argument<StringGraphType>("after")
            .ResolveAsync(async c =>
            {
                var page = Cursors.Page(c);
                var date = c.GetArgument<DateOnly?>("date");
                var gameId = GameIdArgument(c.GetArgument<string?>("gameId"));
                var player = c.GetArgument<int?>("playerNbaId");
                var service = c.Service<PredictionService>();
                var client = ClientId(c);
                var all = date is { } day && gameId is null && player is null
                    ? await service.GetOrRefreshAsync(day, client, c.CancellationToken)
                    : await service.ListAsync(date, gameId, player, client, c.CancellationToken);
                return Connection.From(new Page<PredictionView>(all.Skip(page.Offset).Take(page.Size).ToList(), page.Offset, all.Count));
            });
    }

    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<RefreshPredictionsPayloadType>>("refreshPredictions")
            .AuthorizeWithPolicy(Scopes.PredictionsWrite)
            .Description("Recompute and store that day's predictions with the production model.")
            .Argument<NonNullGraphType<CalendarDateGraphType>>("date")
            .ResolveAsync(async c =>
            {
                var date = c.GetArgument<DateOnly>("date");
                return await DomainPayload.CaptureAsync(
                    () => c.Service<PredictionService>().RefreshAsync(date, ClientId(c), c.CancellationToken),
                    (predictions, errors) => new RefreshPredictionsPayload(date, predictions is { Count: > 0 } ? predictions[0].ModelVersion : null, predictions ?? [], errors));
            });
    }

    public static void AddWhatIf(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<PredictPayloadType>>("predict")
            .AuthorizeWithPolicy(Scopes.PredictionsRead)
            .Description("What-if: predict a player's line for a hypothetical game.")
            .Argument<NonNullGraphType<PredictInputType>>("input")
            .ResolveAsync(async c =>
            {
                var input = c.GetArgument<Dictionary<string, object?>>("input");
                return await DomainPayload.CaptureAsync(
                    () => c.Service<PredictionService>().PredictWhatIfAsync(
                        (int)input["playerNbaId"]!, (string)input["opponent"]!, (bool)input["home"]!, (DateOnly)input["date"]!,
                        UnavailableArgument(input), c.CancellationToken),
                    (prediction, errors) => new PredictPayload(prediction, errors));
            });
    }

    private static List<int>? UnavailableArgument(Dictionary<string, object?> input) =>
        input.TryGetValue("unavailablePlayerNbaIds", out var value) && value is IEnumerable<object?> ids ? [.. ids.Select(id => (int)id!)] : null;

    public static void AddSubscriptions(ObjectGraphType subscription)
    {
        subscription.Field<NonNullGraphType<PredictionType>, PredictionView>("predictionUpdated")
            .AuthorizeWithPolicy(Scopes.PredictionsRead)
            .Description("Predictions as they are made or refreshed, optionally only for one game and/or one player.")
            .Argument<IdGraphType>("gameId", "NBA game id or a Game's global id.")
            .Argument<IntGraphType>("playerNbaId")
            .ResolveStream(c =>
            {
                var bus = c.Service<NbaPredict.Core.Events.IEventBus>();
                var gameId = GameIdArgument(c.GetArgument<string?>("gameId"));
                var player = c.GetArgument<int?>("playerNbaId");
                if (player is { } playerId)
                {
                    var stream = bus.Subscribe<PredictionView>(NbaPredict.Core.Events.Topics.PredictionsForPlayer(playerId));
                    return gameId is null ? stream : new FilteredObservable<PredictionView>(stream, p => p.GameId == gameId);
                }

                return gameId is null
                    ? bus.Subscribe<PredictionView>(NbaPredict.Core.Events.Topics.Predictions)
                    : bus.Subscribe<PredictionView>(NbaPredict.Core.Events.Topics.PredictionsForGame(gameId));
            });
    }

    /// <summary>
    /// The experiment unit key of a partner: the authenticated <c>client_id</c> claim; anonymous callers share one
    /// key (the prediction service maps null to it).
    /// </summary>
    public static string? ClientId(IResolveFieldContext context) => ClientIdOf(context.User);

    /// <summary>The same rule for REST, so a partner is the same unit whichever API it calls.</summary>
    public static string? ClientIdOf(System.Security.Claims.ClaimsPrincipal? user) => user?.FindFirst(Insights.InsightQueries.ClientIdClaim)?.Value;

    /// <summary>Accepts the plain NBA game id or a Game global id.</summary>
    internal static string? GameIdArgument(string? value) =>
        value is not null && GlobalId.TryDecode(value, out var type, out var key) && type == "Game" ? key : value;
}
