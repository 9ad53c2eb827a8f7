using NbaPredict.Core.Features.Ingestion;

namespace NbaPredict.Workers.Tests.Ingestion;

/// <summary>The small translations between the APIs' conventions and the CSV format's.</summary>
public sealed class MappingTests
{
    [Theory]
    [InlineData("DEN vs. LAL", "DEN", "LAL", true)]
    [InlineData("LAL @ DEN", "LAL", "DEN", false)]
    // Neutral-site games: both rows carry the same text; the team after '@' is the designated home team.
    [InlineData("IND @ MIL", "MIL", "IND", true)]
    [InlineData("IND @ MIL", "IND", "MIL", false)]
    [InlineData("BOS vs. NYK", "NYK", "BOS", false)]
    public void Matchup_text_gives_opponent_and_home_from_either_side(string matchup, string team, string opponent, bool home)
    {
        Assert.True(NbaStatsMapper.TryReadMatchup(matchup, team, out var actualOpponent, out var actualHome));
        Assert.Equal((opponent, home), (actualOpponent, actualHome));
    }

    [Theory]
    [InlineData("DEN vs. LAL", "BOS")]
    [InlineData("DEN v LAL", "DEN")]
    [InlineData("", "DEN")]
    [InlineData(null, "DEN")]
    public void A_matchup_that_does_not_name_the_team_is_refused(string? matchup, string team) =>
        Assert.False(NbaStatsMapper.TryReadMatchup(matchup, team, out _, out _));

    [Theory]
    [InlineData("36", false, "36")]
    [InlineData("36.0", false, "36")]
    [InlineData("+7", false, "7")]
    [InlineData("-12", false, "-12")]
    [InlineData("34.5", true, "35")]
    [InlineData("34.4", true, "34")]
    [InlineData("34.5", false, "34.5")]
    [InlineData("--", false, "--")]
    [InlineData(null, false, "")]
    public void Numbers_are_written_as_the_csv_format_writes_them(string? value, bool minutes, string expected) =>
        Assert.Equal(expected, BoxScoreRecords.Number(value, minutes));

    [Theory]
    [InlineData("Nikola Jokić", "Nikola Jokic")]
    [InlineData("Michael Porter Jr.", "Michael Porter Jr")]
    [InlineData("Michael Porter Jr.", "Michael Porter")]
    [InlineData("D'Angelo Russell", "DAngelo Russell")]
    [InlineData("Gary Payton II", "gary payton")]
    [InlineData("Shai Gilgeous-Alexander", "Shai Gilgeous Alexander")]
    public void Player_names_from_both_sources_fold_to_one_key(string nba, string espn) =>
        Assert.Equal(NbaIdentities.NameKey(nba), NbaIdentities.NameKey(espn));

    [Fact]
    public void Different_players_keep_different_keys() =>
        Assert.NotEqual(NbaIdentities.NameKey("Jalen Williams"), NbaIdentities.NameKey("Jaylin Williams"));

    [Theory]
    [InlineData("GS", "GSW")]
    [InlineData("NY", "NYK")]
    [InlineData("SA", "SAS")]
    [InlineData("NO", "NOP")]
    [InlineData("UTAH", "UTA")]
    [InlineData("WSH", "WAS")]
    [InlineData("DEN", "DEN")]
    public void Espn_team_codes_become_nba_tricodes(string espn, string nba) => Assert.Equal(nba, EspnClient.NbaCode(espn));
}
