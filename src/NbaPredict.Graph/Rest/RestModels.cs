using System.Globalization;
using GraphQL;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features;
using NbaPredict.Core.Features.Experiments;
using NbaPredict.Core.Features.Insights;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Graph.Features.Insights;
using NbaPredict.Graph.Features.Models;
using NbaPredict.Graph.GraphQL.Schema;

namespace NbaPredict.Graph.Rest;

// The REST shapes use the GraphQL field names and formats, so a REST answer equals the GraphQL answer to a query
// selecting the same fields (the parity tests rely on it) and clients can move between the two without relearning.

/// <summary>One page of a list: the items, the total that matched, and where the page starts.</summary>
public sealed record PageDto<T>(IReadOnlyList<T> Items, int TotalCount, int Offset, bool HasNextPage);

public static class PageDto
{
    public static PageDto<T> From<TSource, T>(Page<TSource> page, Func<TSource, T> map) =>
        new(page.Items.Select(map).ToList(), page.TotalCount, page.Offset, page.HasNextPage);
}

public sealed record TeamDto(int NbaTeamId, string Abbreviation, string Name, string City, string Conference)
{
    public static TeamDto From(Team team) => new(team.Id, team.Abbreviation, team.Name, team.City, team.Conference);

    public static TeamDto? FromId(int? teamId) => teamId is { } id && NbaTeams.FindById(id) is { } team ? From(team) : null;

    public static TeamDto FromKnownId(int teamId) => FromId(teamId) ?? throw new InvalidOperationException($"team {teamId} is not an NBA team");
}

public sealed record PlayerRefDto(int NbaId);

public sealed record GameRefDto(string NbaGameId);

/// <summary>A prediction by GraphQL's global id (<c>Prediction.id</c>), which REST routes accept as well as the stored number.</summary>
public sealed record PredictionRefDto(string Id)
{
    public static string IdOf(long predictionId) => GlobalId.Encode("Prediction", predictionId.ToString(CultureInfo.InvariantCulture));
}

public sealed record PlayerDto(int NbaId, string Name, TeamDto? Team, DateOnly? LastGameDate)
{
    public static PlayerDto From(Player player) => new(player.Id, player.Name, TeamDto.FromId(player.CurrentTeamId), player.LastGameDate);
}

public sealed record PlayerDetailDto(int NbaId, string Name, TeamDto? Team, DateOnly? LastGameDate, IReadOnlyList<PlayerGameLineDto> GameLog)
{
    public static PlayerDetailDto From(Player player, IEnumerable<PlayerGame> gameLog) =>
        new(player.Id, player.Name, TeamDto.FromId(player.CurrentTeamId), player.LastGameDate, gameLog.Select(PlayerGameLineDto.From).ToList());
}

public sealed record PlayerGameLineDto(
    string NbaGameId, DateOnly Date, string Season, PlayerRefDto Player, TeamDto Team, TeamDto Opponent, bool Home, bool? Starter,
    int Min, int Pts, int Reb, int Oreb, int Dreb, int Ast, int Stl, int Blk, int Tov, int Pf, int Fgm, int Fga, int Fg3m, int Fg3a, int Ftm, int Fta, int PlusMinus)
{
    public static PlayerGameLineDto From(PlayerGame g) => new(
        g.GameId, g.GameDate, g.SeasonId, new PlayerRefDto(g.PlayerId), TeamDto.FromKnownId(g.TeamId), TeamDto.FromKnownId(g.OpponentTeamId), g.Home, g.Starter,
        g.Minutes, g.Pts, g.Reb, g.Oreb, g.Dreb, g.Ast, g.Stl, g.Blk, g.Tov, g.Pf, g.Fgm, g.Fga, g.Fg3m, g.Fg3a, g.Ftm, g.Fta, g.PlusMinus);
}

public sealed record GameDto(string NbaGameId, DateOnly Date, string Season, string SeasonType, TeamDto HomeTeam, TeamDto AwayTeam, int HomeScore, int AwayScore)
{
    public static GameDto From(Game g) =>
        new(g.Id, g.Date, g.SeasonId, g.SeasonType, TeamDto.FromKnownId(g.HomeTeamId), TeamDto.FromKnownId(g.AwayTeamId), g.HomeScore, g.AwayScore);
}

public sealed record GameDetailDto(
    string NbaGameId, DateOnly Date, string Season, string SeasonType, TeamDto HomeTeam, TeamDto AwayTeam, int HomeScore, int AwayScore,
    IReadOnlyList<PlayerGameLineDto> BoxScore)
{
    public static GameDetailDto From(Game g, IEnumerable<PlayerGame> boxScore) => new(
        g.Id, g.Date, g.SeasonId, g.SeasonType, TeamDto.FromKnownId(g.HomeTeamId), TeamDto.FromKnownId(g.AwayTeamId), g.HomeScore, g.AwayScore,
        boxScore.Select(PlayerGameLineDto.From).ToList());
}

public sealed record PredictionDto(
    string Id, PlayerRefDto Player, GameRefDto Game, TeamDto Team, TeamDto Opponent, bool Home, DateOnly Date, string ModelVersion, string FeatureSchemaVersion,
    string InputsHash, DateTime CreatedAt, IReadOnlyList<PredictedStat> Stats, bool AbsencesNamed)
{
    public static PredictionDto From(PredictionView p) => new(
        PredictionRefDto.IdOf(p.Id), new PlayerRefDto(p.PlayerId), new GameRefDto(p.GameId), TeamDto.FromKnownId(p.TeamId), TeamDto.FromKnownId(p.OpponentTeamId), p.Home, p.GameDate,
        p.ModelVersion, p.FeatureSchemaVersion, p.InputsHash, p.CreatedAt.UtcDateTime, p.Stats, p.AbsencesNamed);
}

public sealed record ReportAvailabilityRequest(IReadOnlyList<int>? UnavailablePlayerNbaIds);

public sealed record AvailabilityReportDto(GameRefDto Game, TeamDto Team, IReadOnlyList<int> UnavailablePlayerNbaIds, DateTime ReportedAt)
{
    public static AvailabilityReportDto From(Core.Features.Availability.AvailabilityView r) =>
        new(new GameRefDto(r.GameId), TeamDto.FromKnownId(r.TeamId), r.UnavailablePlayerIds, r.ReportedAt.UtcDateTime);
}

public sealed record AvailabilityReportedDto(AvailabilityReportDto Report, IReadOnlyList<PredictionDto> Predictions)
{
    public static AvailabilityReportedDto From(Core.Features.Availability.AvailabilityReported r) =>
        new(AvailabilityReportDto.From(r.Report), [.. r.Predictions.Select(PredictionDto.From)]);
}

public sealed record ExperimentDto(
    int ExperimentId, string Name, string Unit, string Status, DateTime CreatedAt, DateTime? StartedAt, DateTime? StoppedAt, IReadOnlyList<ExperimentVariant> Variants)
{
    public static ExperimentDto From(ExperimentView e) => new(
        e.Id, e.Name, EnumName(e.Unit), EnumName(e.Status), e.CreatedAt.UtcDateTime, e.StartedAt?.UtcDateTime, e.StoppedAt?.UtcDateTime, e.Variants);

    /// <summary>GraphQL's enum spelling (constant case: <c>DeepDive</c> is <c>DEEP_DIVE</c>).</summary>
    internal static string EnumName<TEnum>(TEnum value)
        where TEnum : struct, Enum => value.ToString().ToConstantCase();
}

public sealed record ModelVersionDto(
    string Version, string Stage, DateTime CreatedAt, DateTime? PromotedAt, string FeatureSchemaVersion, DateOnly TrainFrom, DateOnly TrainTo,
    DateOnly ValidationFrom, DateOnly ValidationTo, int TrainingRows, double TrainingSeconds, string DataHash, IReadOnlyList<ModelStatMetrics> Metrics,
    IReadOnlyList<ModelStatMetrics> KnownAbsenceMetrics)
{
    public static ModelVersionDto From(ModelVersion m) => new(
        m.Version, ExperimentDto.EnumName(m.Stage), m.CreatedAt.UtcDateTime, m.PromotedAt?.UtcDateTime, m.FeatureSchemaVersion, m.TrainFrom, m.TrainTo,
        m.CalibrationFrom, m.CalibrationTo, m.TrainingRows, m.TrainingSeconds, m.DataHash, ModelVersionType.ParseMetrics(m.MetricsJson),
        ModelVersionType.ParseMetrics(m.KnownAbsenceMetricsJson));
}

public sealed record InsightDto(
    string Id, PredictionRefDto? Prediction, string Depth, string Text, IReadOnlyList<DriverFact> Drivers, string Facts, string PromptId, int PromptVersion,
    string Provider, string Model, int TokensIn, int TokensOut, double Cost, double LatencyMs, int Attempts, string Outcome, string? GroundingIssues,
    IReadOnlyList<EvaluationScore> Evaluation, bool Cached, DateTime CreatedAt)
{
    public static InsightDto From(InsightView i) => new(
        GlobalId.Encode("Insight", i.Id.ToString(CultureInfo.InvariantCulture)), i.PredictionId is { } id ? new PredictionRefDto(PredictionRefDto.IdOf(id)) : null,
        ExperimentDto.EnumName(i.Depth), i.Text, i.Drivers, i.FactsJson, i.PromptId, i.PromptVersion, i.Provider, i.Model, i.TokensIn, i.TokensOut, i.Cost,
        i.LatencyMs, i.Attempts, ExperimentDto.EnumName(i.Outcome), i.GroundingIssues,
        i.Evaluation.Select(e => new EvaluationScore(e.Key, e.Value)).OrderBy(e => e.Name, StringComparer.Ordinal).ToList(), i.Cached, i.CreatedAt.UtcDateTime);
}

/// <summary>The body of <c>POST /insights/{id}/ratings</c>; <see cref="Helpful"/> is required.</summary>
public sealed record RateInsightRequest(bool? Helpful, string? Comment);

public sealed record InsightRatingDto(string Id, bool Helpful, string? Comment, DateTime CreatedAt)
{
    public static InsightRatingDto From(InsightRatingView r) =>
        new(GlobalId.Encode("InsightRating", r.Id.ToString(CultureInfo.InvariantCulture)), r.Helpful, r.Comment, r.CreatedAt.UtcDateTime);
}
