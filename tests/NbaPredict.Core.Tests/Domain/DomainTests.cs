using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Tests.Domain;

public sealed class DomainTests
{
    [Theory]
    [InlineData("Nikola Jokić", "nikola jokic")]
    [InlineData("Luka Dončić", "luka doncic")]
    [InlineData("  Stephen CURRY ", "stephen curry")]
    [InlineData("Bogdan Bogdanović", "bogdan bogdanovic")]
    public void Search_text_folds_case_and_accents(string name, string expected) =>
        Assert.Equal(expected, SearchText.Normalize(name));

    [Theory]
    [InlineData("2019-20", true, 2019)]
    [InlineData("1999-00", true, 1999)]
    [InlineData("2019-21", false, 0)]
    [InlineData("2019/20", false, 0)]
    [InlineData("19-20", false, 0)]
    public void Season_labels_must_be_consistent(string label, bool valid, int startYear)
    {
        Assert.Equal(valid, Seasons.TryParseStartYear(label, out var year));
        Assert.Equal(startYear, year);
    }

    [Fact]
    public void Thirty_teams_with_unique_codes_and_ids()
    {
        Assert.Equal(30, NbaTeams.All.Count);
        Assert.Equal(30, NbaTeams.All.Select(t => t.Abbreviation).Distinct().Count());
        Assert.Equal(30, NbaTeams.All.Select(t => t.Id).Distinct().Count());
        Assert.Equal("Warriors", NbaTeams.FindByCode("gsw")!.Name);
    }
}
