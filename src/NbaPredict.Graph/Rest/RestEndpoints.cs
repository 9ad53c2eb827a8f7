using System.Globalization;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Availability;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Experiments;
using NbaPredict.Core.Features.Games;
using NbaPredict.Core.Features.Insights;
using NbaPredict.Core.Features.Models;
using NbaPredict.Core.Features.Players;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Core.Features.Teams;
using NbaPredict.Graph.Features.Insights;
using NbaPredict.Graph.GraphQL.Schema;
using NbaPredict.Graph.Security;

namespace NbaPredict.Graph.Rest;

/// <summary>
/// The REST compatibility layer, <c>/api/v1</c>: every handler is one call into the Core service GraphQL uses, mapped
/// to the GraphQL field names. Refusals are <see cref="DomainException"/>s, which <see cref="RestProblems"/> turns
/// into RFC 9457 problem details.
/// </summary>
public static class RestEndpoints
{
    public const string Prefix = "/api/v1";

    public static IEndpointRouteBuilder MapNbaRestEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Prefix)
            .AddEndpointFilter<Security.RestWriteAudit>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        MapPlayers(api.MapGroup("/players").WithTags("Players"));
        MapTeams(api.MapGroup("/teams").WithTags("Teams"));
        MapGames(api.MapGroup("/games").WithTags("Games"));
        MapPredictions(api.MapGroup("/predictions").WithTags("Predictions").WithMetadata(new RequiredScope(Scopes.PredictionsRead)).ProducesProblem(StatusCodes.Status409Conflict));
        MapExperiments(api.MapGroup("/experiments").WithTags("Experiments").WithMetadata(new RequiredScope(Scopes.PredictionsRead)));
        MapModels(api.MapGroup("/models").WithTags("Models").WithMetadata(new RequiredScope(Scopes.PredictionsRead)));
        MapInsights(api.MapGroup("").WithTags("Insights"));
        return endpoints;
    }

    private static void MapPlayers(RouteGroupBuilder players)
    {
        players.MapGet("/", async (PlayerService service, string? search, string? team, int? limit, int? offset, CancellationToken ct) =>
                TypedResults.Ok(PageDto.From(await service.SearchAsync(search, team, PageRequest.Create(offset ?? 0, limit), ct), PlayerDto.From)))
            .WithName("SearchPlayers")
            .WithSummary("Players by name (case- and accent-insensitive) and current team, ordered by name.");

        players.MapGet("/{nbaId}", async (PlayerService service, int nbaId, string? season, int? gameLogLast, CancellationToken ct) =>
            {
                PlayerService.CheckGameLogLength(gameLogLast ?? 10);
                var player = await service.GetAsync(nbaId, ct) ?? throw NotFound("PLAYER_NOT_FOUND", $"no player with NBA id {nbaId}");
                var log = await service.GetGameLogsAsync([nbaId], season, gameLogLast ?? 10, ct);
                return TypedResults.Ok(PlayerDetailDto.From(player, log[nbaId]));
            })
            .WithName("GetPlayer")
            .WithSummary("One player by NBA.com person id, with his most recent games (newest first; gameLogLast 1–82, default 10).");

        players.MapGet("/{nbaId}/predictions", async (PredictionService service, int nbaId, CancellationToken ct) =>
                TypedResults.Ok((await service.ListAsync(null, null, nbaId, ct)).Select(PredictionDto.From).ToList()))
            .WithName("GetPlayerPredictions")
            .WithSummary("A player's stored predictions of the production model, newest game first.")
            .WithMetadata(new RequiredScope(Scopes.PredictionsRead));
    }

    private static void MapTeams(RouteGroupBuilder teams)
    {
        teams.MapGet("/", async (TeamService service, CancellationToken ct) => TypedResults.Ok((await service.ListAsync(ct)).Select(TeamDto.From).ToList()))
            .WithName("ListTeams")
            .WithSummary("All 30 NBA teams, by abbreviation.");

        teams.MapGet("/{abbreviation}", async (TeamService service, string abbreviation, CancellationToken ct) =>
                TypedResults.Ok(TeamDto.From(await service.GetByAbbreviationAsync(abbreviation, ct) ?? throw NotFound("TEAM_NOT_FOUND", $"no team '{abbreviation}'"))))
            .WithName("GetTeam")
            .WithSummary("One team by its abbreviation (e.g. BOS).");
    }

    private static void MapGames(RouteGroupBuilder games)
    {
        games.MapGet("/", async (GameService service, DateOnly? date, string? season, string? team, int? limit, int? offset, CancellationToken ct) =>
                TypedResults.Ok(PageDto.From(await service.ListAsync(date, season, team, PageRequest.Create(offset ?? 0, limit), ct), GameDto.From)))
            .WithName("ListGames")
            .WithSummary("Games filtered by date (yyyy-MM-dd), season (e.g. 2023-24) and team, newest first.");

        games.MapGet("/{nbaGameId}", async (GameService service, string nbaGameId, CancellationToken ct) =>
            {
                var game = await service.GetAsync(nbaGameId, ct) ?? throw NotFound("GAME_NOT_FOUND", $"no game with NBA id '{nbaGameId}'");
                return TypedResults.Ok(GameDetailDto.From(game, (await service.GetBoxScoresAsync([nbaGameId], ct))[nbaGameId]));
            })
            .WithName("GetGame")
            .WithSummary("One game by NBA.com game id (with its leading zeros), with its box score: home team first, then by minutes.");

        games.MapGet("/{nbaGameId}/predictions/{playerNbaId}", async (PredictionService service, string nbaGameId, int playerNbaId, CancellationToken ct) =>
                TypedResults.Ok(PredictionDto.From((await service.ListAsync(null, nbaGameId, playerNbaId, ct)) is [var first, ..] ? first
                    : throw NotFound("PREDICTION_NOT_FOUND", $"no prediction of the production model for player {playerNbaId} in game '{nbaGameId}'"))))
            .WithName("GetPrediction")
            .WithSummary("The production model's prediction of one player in one game.")
            .WithMetadata(new RequiredScope(Scopes.PredictionsRead));

        games.MapGet("/{nbaGameId}/availability", async (AvailabilityService service, string nbaGameId, CancellationToken ct) =>
                TypedResults.Ok((await service.GetByGamesAsync([nbaGameId], ct))[nbaGameId].Select(AvailabilityReportDto.From).ToList()))
            .WithName("ListAvailabilityReports")
            .WithSummary("The teams' injury reports for a game, home team first (empty when none was sent).");

        games.MapPut("/{nbaGameId}/availability/{team}", async (AvailabilityService service, HttpContext http, string nbaGameId, string team, ReportAvailabilityRequest body, CancellationToken ct) =>
                TypedResults.Ok(AvailabilityReportedDto.From(await service.ReportAsync(
                    nbaGameId, team, body.UnavailablePlayerNbaIds ?? throw new DomainException("INVALID_ARGUMENT", "the body needs \"unavailablePlayerNbaIds\": a list of NBA player ids ([] when nobody is out)"),
                    Features.Predictions.PredictionQueries.ClientIdOf(http.User), ct))))
            .WithName("ReportAvailability")
            .WithSummary("Records a team's injury report for a game not yet played (replacing its earlier one) and remakes that day's predictions with it.")
            .WithMetadata(new RequiredScope(Scopes.PredictionsWrite));
    }

    private static void MapPredictions(RouteGroupBuilder predictions)
    {
        predictions.MapGet("/", async (PredictionService service, DateOnly? date, string? gameId, int? playerNbaId, int? limit, int? offset, CancellationToken ct) =>
            {
                var page = PageRequest.Create(offset ?? 0, limit);
                // Same rule as the GraphQL field: a date alone is a day's slate, predicted and stored on first request.
                var all = date is { } day && gameId is null && playerNbaId is null
                    ? await service.GetOrRefreshAsync(day, ct)
                    : await service.ListAsync(date, gameId, playerNbaId, ct);
                return TypedResults.Ok(PageDto.From(new Page<PredictionView>(all.Skip(page.Offset).Take(page.Size).ToList(), page.Offset, all.Count), PredictionDto.From));
            })
            .WithName("ListPredictions")
            .WithSummary("Predictions of the production model. With a date alone, that day's slate (the batch) is predicted and stored on first request.");
    }

    private static void MapExperiments(RouteGroupBuilder experiments)
    {
        experiments.MapGet("/", async (ExperimentService service, CancellationToken ct) => TypedResults.Ok((await service.ListAsync(ct)).Select(ExperimentDto.From).ToList()))
            .WithName("ListExperiments")
            .WithSummary("Every A/B experiment, newest first.");

        experiments.MapGet("/{experimentId}", async (ExperimentService service, int experimentId, CancellationToken ct) =>
                TypedResults.Ok(ExperimentDto.From(await service.GetAsync(experimentId, ct) ?? throw NotFound("EXPERIMENT_NOT_FOUND", $"no experiment {experimentId}"))))
            .WithName("GetExperiment")
            .WithSummary("One experiment by its number.");
    }

    private static void MapModels(RouteGroupBuilder models)
    {
        models.MapGet("/", async (ModelRegistryService service, CancellationToken ct) => TypedResults.Ok((await service.ListAsync(ct)).Select(ModelVersionDto.From).ToList()))
            .WithName("ListModels")
            .WithSummary("Every registered model version, newest first.");

        models.MapGet("/production", async (ModelRegistryService service, CancellationToken ct) =>
                TypedResults.Ok(ModelVersionDto.From(await service.GetProductionAsync(ct) ?? throw NotFound("MODEL_NOT_FOUND", "no production model yet: one appears once the first model is trained and promoted"))))
            .WithName("GetProductionModel")
            .WithSummary("The model version that serves predictions.");
    }

    private static void MapInsights(RouteGroupBuilder insights)
    {
        insights.MapGet("/predictions/{id}/insight", async (InsightService service, HttpContext http, string id, string? depth, CancellationToken ct) =>
                TypedResults.Ok(InsightDto.From(await service.GetAsync(ParseId(id, "Prediction", nameof(id)), ParseDepth(depth), InsightQueries.ClientIdOf(http.User), ct)
                    ?? throw NotFound("PREDICTION_NOT_FOUND", $"no stored prediction '{id}'"))))
            .WithName("GetPredictionInsight")
            .WithSummary("A plain-language explanation of a prediction (id: Prediction.id or the stored number; depth summary (default) or deep_dive), generated on first request and then reused.")
            .WithMetadata(new RequiredScope(Scopes.InsightsRead));

        insights.MapGet("/players/{nbaId}/insights", async (InsightService service, int nbaId, int? limit, int? offset, CancellationToken ct) =>
            {
                var page = PageRequest.Create(offset ?? 0, limit);
                var all = (await service.ListForPlayersAsync([nbaId], ct))[nbaId].ToList();
                return TypedResults.Ok(PageDto.From(new Page<InsightView>(all.Skip(page.Offset).Take(page.Size).ToList(), page.Offset, all.Count), InsightDto.From));
            })
            .WithName("ListPlayerInsights")
            .WithSummary("A player's stored insights, newest first.")
            .WithMetadata(new RequiredScope(Scopes.InsightsRead));

        insights.MapPost("/insights/{id}/ratings", async (InsightService service, HttpContext http, string id, RateInsightRequest body, CancellationToken ct) =>
                TypedResults.Created((string?)null, InsightRatingDto.From(await service.RateAsync(
                    ParseId(id, "Insight", nameof(id)), body.Helpful ?? throw new DomainException("INVALID_ARGUMENT", "the body needs \"helpful\": true or false"), body.Comment,
                    InsightQueries.ClientIdOf(http.User), ct))))
            .WithName("RateInsight")
            .WithSummary("Rates an insight as helpful or not, with an optional comment (at most 1,000 characters).")
            .WithMetadata(new RequiredScope(Scopes.InsightsRead));

        insights.MapGet("/insights/stats", async (InsightService service, CancellationToken ct) => TypedResults.Ok(await service.StatsAsync(ct)))
            .WithName("GetInsightStats")
            .WithSummary("Costs, grounding failures and ratings aggregated per prompt version and provider.")
            .WithMetadata(new RequiredScope(Scopes.InsightsRead));
    }

    /// <summary>A GraphQL global id of <paramref name="typeName"/> or the stored number, as GraphQL's arguments accept.</summary>
    private static long ParseId(string value, string typeName, string parameter)
    {
        var key = GlobalId.TryDecode(value, out var type, out var decoded) && type == typeName ? decoded : value;
        return long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new DomainException("INVALID_ID", $"parameter {parameter}: '{value}' is not a {typeName} id ({typeName}.id or its number)");
    }

    private static InsightDepth ParseDepth(string? depth)
    {
        if (depth is null)
        {
            return InsightDepth.Summary;
        }

        foreach (var value in Enum.GetValues<InsightDepth>())
        {
            if (string.Equals(ExperimentDto.EnumName(value), depth, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new DomainException("INVALID_DEPTH", $"parameter depth: '{depth}' is not summary or deep_dive");
    }

    private static DomainException NotFound(string code, string message) => new(code, message);
}
