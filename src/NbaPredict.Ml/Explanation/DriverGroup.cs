using NbaPredict.Ml.Features;

namespace NbaPredict.Ml.Explanation;

/// <summary>
/// Readable families of features. Every feature belongs to exactly one group, so group contributions add up to
/// the difference between a prediction and the prediction for an average training row.
/// </summary>
public enum DriverGroup
{
    /// <summary>Last 3–20 games: rolling means, spread, EWMA, last game, recent per-minute rates and shooting.</summary>
    RecentForm,

    /// <summary>Season-to-date averages, shrunk season means, season rates, career and season experience.</summary>
    SeasonAverage,

    /// <summary>Minutes, rotation rank, usage share and the projected-minutes heuristic.</summary>
    MinutesRole,

    /// <summary>Rotation teammates who missed the team's last game and how the player did without them.</summary>
    TeammatesMissing,

    /// <summary>What the opponent allows and how it plays (pace, margin, points/rebounds/assists allowed).</summary>
    OpponentDefence,

    /// <summary>Rest days, back-to-backs and schedule density of the player, his team and the opponent.</summary>
    Rest,

    /// <summary>Playing at home or away.</summary>
    HomeAway,

    /// <summary>The player's team, the expected game script and league-wide scoring levels.</summary>
    TeamContext,
}

/// <summary>Which <see cref="DriverGroup"/> each feature of <see cref="FeatureSchema"/> belongs to.</summary>
public static class DriverGroups
{
    /// <summary>Number of groups.</summary>
    public const int Count = 8;

    private static readonly string[] RestFeatures =
    [
        "c_player_rest_days", "c_player_back_to_back", "c_games_since_layoff7", "c_previous_gap_days", "c_player_games_last7d",
        "c_days_since_last_game", "c_team_rest_days", "c_team_back_to_back", "c_team_games_last7d", "c_opp_rest_days", "c_opp_back_to_back",
    ];

    private static readonly string[] SeasonFeatures =
    [
        "p_usage_share_season", "c_career_games", "c_player_season_games", "c_games_with_team_season", "c_new_team", "c_has_history", "c_prev_season_games",
    ];

    private static readonly DriverGroup[] ByFeature = [.. FeatureSchema.Names.Select(Classify)];

    /// <summary>The group of feature column <paramref name="index"/>.</summary>
    public static DriverGroup Of(int index) => ByFeature[index];

    /// <summary>The group of a named feature (any name, so it also classifies names of older schemas).</summary>
    public static DriverGroup Classify(string feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        if (feature == "c_home")
        {
            return DriverGroup.HomeAway;
        }

        if (RestFeatures.Contains(feature))
        {
            return DriverGroup.Rest;
        }

        if (SeasonFeatures.Contains(feature) || feature.StartsWith("p_season_", StringComparison.Ordinal) ||
            feature.StartsWith("p_shrunk_", StringComparison.Ordinal) || feature.StartsWith("p_rate_season_", StringComparison.Ordinal))
        {
            return feature.EndsWith("_min", StringComparison.Ordinal) ? DriverGroup.MinutesRole : DriverGroup.SeasonAverage;
        }

        if (feature.StartsWith("o_", StringComparison.Ordinal))
        {
            return DriverGroup.OpponentDefence;
        }

        if (feature.StartsWith("r_", StringComparison.Ordinal))
        {
            return feature.Contains("absent", StringComparison.Ordinal) ? DriverGroup.TeammatesMissing : DriverGroup.MinutesRole;
        }

        if (feature.StartsWith("p_", StringComparison.Ordinal))
        {
            return feature.StartsWith("p_min_", StringComparison.Ordinal) || feature.StartsWith("p_usage_", StringComparison.Ordinal) ||
                   feature.StartsWith("p_rate_x_projmin_", StringComparison.Ordinal) || feature.EndsWith("_min", StringComparison.Ordinal)
                ? DriverGroup.MinutesRole
                : DriverGroup.RecentForm;
        }

        return DriverGroup.TeamContext;
    }

    /// <summary>A short label for people ("recent form", "opponent defence", …).</summary>
    public static string Label(DriverGroup group) => group switch
    {
        DriverGroup.RecentForm => "recent form",
        DriverGroup.SeasonAverage => "season average",
        DriverGroup.MinutesRole => "minutes and role",
        DriverGroup.TeammatesMissing => "teammates missing",
        DriverGroup.OpponentDefence => "opponent defence",
        DriverGroup.Rest => "rest and schedule",
        DriverGroup.HomeAway => "home or away",
        DriverGroup.TeamContext => "team and game context",
        _ => throw new ArgumentOutOfRangeException(nameof(group), group, null),
    };
}
