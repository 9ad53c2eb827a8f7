using System.Text.Json;
using System.Text.Json.Nodes;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Explanation;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Core.Features.Insights;

/// <summary>A predicted stat with its central 80% and 95% ranges, rounded to one decimal.</summary>
public sealed record StatFact(string Stat, double Value, double Lower80, double Upper80, double Lower95, double Upper95);

/// <summary>One feature behind a driver: the player's value and the average player-game's.</summary>
public sealed record DriverFeatureFact(string Feature, double Value, double Average, double Contribution);

/// <summary>A driver group's signed contribution to one stat, in that stat's units.</summary>
public sealed record DriverFact(string Stat, string Group, string Label, double Contribution, IReadOnlyList<DriverFeatureFact> Features);

/// <summary>Recent form against the season: means over the last 5 and 10 games and the season so far.</summary>
public sealed record FormFact(string Stat, double Last5, double Last10, double Season);

public sealed record RestFact(int RestDays, bool BackToBack, int GamesLast7Days, int OpponentRestDays, bool OpponentBackToBack);

public sealed record OpponentFact(string Team, double PointsAllowedLast10, double PointsAllowedVsLeaguePct);

/// <summary>How wide the points ranges are, and a word for it.</summary>
public sealed record UncertaintyFact(string Stat, double Width80, double Width95, string Level);

/// <summary>
/// Everything an insight may say about one prediction. Generators (offline or LLM) get exactly this, and the
/// grounding check accepts only numbers and names that appear here.
/// </summary>
public sealed record InsightFacts(
    long PredictionId,
    string Player,
    string Team,
    string TeamName,
    string Opponent,
    string OpponentName,
    bool Home,
    DateOnly Date,
    string ModelVersion,
    IReadOnlyList<StatFact> Predicted,
    IReadOnlyList<DriverFact> Drivers,
    IReadOnlyList<FormFact> Form,
    RestFact Rest,
    OpponentFact OpponentDefence,
    UncertaintyFact Uncertainty)
{
    /// <summary>
    /// The teammates his team's injury report named out, when the prediction was made with it (ADR 0022); empty
    /// otherwise. The only other players a text may name.
    /// </summary>
    public IReadOnlyList<string> ReportedOut { get; init; } = [];

    /// <summary>The stats whose drivers are explained.</summary>
    public static readonly StatKind[] ExplainedStats = [StatKind.Pts, StatKind.Reb, StatKind.Ast, StatKind.Min];

    /// <summary>Numbers a text may use besides the facts': the form windows and interval levels it talks about.</summary>
    public static readonly double[] FramingNumbers = [5, 7, 10, 80, 95];

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public StatFact Stat(string stat) => Predicted.First(s => s.Stat == stat);

    public FormFact FormOf(string stat) => Form.First(f => f.Stat == stat);

    public IEnumerable<DriverFact> DriversOf(string stat) => Drivers.Where(d => d.Stat == stat);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Every number in the facts (and its absolute value), plus the framing numbers and the date's parts.</summary>
    public IReadOnlyCollection<double> Numbers()
    {
        var numbers = new HashSet<double>(FramingNumbers) { Date.Year, Date.Month, Date.Day };
        Collect(JsonNode.Parse(ToJson()), numbers);
        return numbers;
    }

    private static void Collect(JsonNode? node, HashSet<double> numbers)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    // The id identifies the prediction; it is not a fact a text should quote.
                    if (key != "predictionId")
                    {
                        Collect(value, numbers);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Collect(item, numbers);
                }

                break;
            case JsonValue v when v.TryGetValue<double>(out var d):
                numbers.Add(d);
                numbers.Add(Math.Abs(d));
                break;
        }
    }

    /// <summary>
    /// Builds the facts of a stored prediction from the feature vector it was made from and the model that made it.
    /// </summary>
    public static InsightFacts Build(PredictionView prediction, string playerName, float[] features, ModelBundle bundle, IReadOnlyList<string>? reportedOut = null)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(features);
        var team = NbaTeams.FindById(prediction.TeamId);
        var opponent = NbaTeams.FindById(prediction.OpponentTeamId);
        var predicted = prediction.Stats
            .Select(s => new StatFact(s.Stat, R(s.Value), R(s.Lower80), R(s.Upper80), R(s.Lower95), R(s.Upper95))).ToList();

        var drivers = new List<DriverFact>();
        foreach (var stat in ExplainedStats)
        {
            if (bundle.Explain(features, stat, absencesNamed: prediction.AbsencesNamed) is not { } explanation)
            {
                continue;
            }

            var name = stat.ToString().ToUpperInvariant();
            drivers.AddRange(explanation.Drivers.Where(d => Math.Round(d.Contribution, 1) != 0).Select(d => new DriverFact(
                name, d.Group.ToString(), d.Label, R(d.Contribution),
                d.TopFeatures.Select(f => new DriverFeatureFact(f.Feature, R2(f.Value), R2(f.Baseline), R(f.Contribution))).ToList())));
        }

        var form = ExplainedStats.Select(stat =>
        {
            var key = stat.ToString().ToLowerInvariant();
            return new FormFact(
                stat.ToString().ToUpperInvariant(),
                R(F(features, $"p_mean5_{key}")), R(F(features, $"p_mean10_{key}")), R(F(features, $"p_season_mean_{key}")));
        }).ToList();

        var rest = new RestFact(
            (int)F(features, "c_player_rest_days"), F(features, "c_player_back_to_back") > 0, (int)F(features, "c_player_games_last7d"),
            (int)F(features, "c_opp_rest_days"), F(features, "c_opp_back_to_back") > 0);
        var defence = new OpponentFact(
            opponent?.Abbreviation ?? "", R(F(features, "o_pts_allowed10")), R((F(features, "o_pts_allowed_rel") - 1) * 100));

        var pts = predicted.FirstOrDefault(s => s.Stat == "PTS") ?? new StatFact("PTS", 0, 0, 0, 0, 0);
        var width80 = R(pts.Upper80 - pts.Lower80);
        var relative = width80 / Math.Max(pts.Value, 1);
        var level = relative <= 0.6 ? "tight" : relative <= 1.0 ? "moderate" : "wide";

        return new InsightFacts(
            prediction.Id, playerName, team?.Abbreviation ?? "", team is null ? "" : $"{team.City} {team.Name}",
            opponent?.Abbreviation ?? "", opponent is null ? "" : $"{opponent.City} {opponent.Name}",
            prediction.Home, prediction.GameDate, prediction.ModelVersion, predicted, drivers, form, rest, defence,
            new UncertaintyFact("PTS", width80, R(pts.Upper95 - pts.Lower95), level))
        {
            ReportedOut = reportedOut ?? [],
        };
    }

    private static double F(float[] features, string name) => features[FeatureSchema.IndexOf(name)];

    private static double R(double value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);

    private static double R2(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
}
