using System.Globalization;

namespace NbaPredict.Core.Domain;

public static class Seasons
{
    /// <summary>Parses a label like <c>2019-20</c> into its start year; false when it is not a consistent label.</summary>
    public static bool TryParseStartYear(ReadOnlySpan<char> label, out int startYear)
    {
        startYear = 0;
        if (label.Length != 7 || label[4] != '-')
        {
            return false;
        }

        if (!int.TryParse(label[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ||
            !int.TryParse(label[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var endTwoDigits))
        {
            return false;
        }

        if ((start + 1) % 100 != endTwoDigits || start < 1946 || start > 2100)
        {
            return false;
        }

        startYear = start;
        return true;
    }

    public static string Label(int startYear) =>
        string.Create(CultureInfo.InvariantCulture, $"{startYear}-{(startYear + 1) % 100:D2}");

    /// <summary>The label of the season a game date belongs to, by the rule the features use (a season starts in August).</summary>
    public static string LabelOf(DateOnly date) => Label(Ml.Features.FeatureStore.SeasonKeyOf(date));

    /// <summary>
    /// The widest window a season's games can fall in: from 1 September of its first year to 31 October of
    /// its second (the 2019-20 season finished in October 2020).
    /// </summary>
    public static (DateOnly From, DateOnly To) Window(int startYear) =>
        (new DateOnly(startYear, 9, 1), new DateOnly(startYear + 1, 10, 31));
}
