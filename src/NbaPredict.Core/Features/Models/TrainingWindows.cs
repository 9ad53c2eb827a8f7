using NbaPredict.Core.Domain;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Core.Features.Models;

/// <summary>
/// Which stored box scores a training (or tuning) run may see, and how they split: the latest season kept
/// calibrates (or scores), every earlier season fits the members. Shared so tuning and training agree.
/// </summary>
public static class TrainingWindows
{
    public static (List<PlayerGameRecord> Records, TrainingPlan Plan, IReadOnlyList<int> Seasons) Select(
        IReadOnlyList<PlayerGameRecord> stored, string? holdoutSeason, DateOnly? before)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var records = stored.ToList();
        if (holdoutSeason is { } holdout)
        {
            if (!Domain.Seasons.TryParseStartYear(holdout, out var holdoutYear))
            {
                throw new DomainException("INVALID_SEASON", $"holdout season '{holdout}' is not a label like 2023-24");
            }

            var cut = SeasonStart(holdoutYear);
            records = records.Where(r => r.Date < cut).ToList();
        }

        if (before is { } b)
        {
            records = records.Where(r => r.Date < b).ToList();
        }

        var seasons = records.Select(r => FeatureStore.SeasonKeyOf(r.Date)).Distinct().Order().ToList();
        if (seasons.Count < 2)
        {
            throw new DomainException("NOT_ENOUGH_DATA", $"training needs at least two seasons of box scores (one to train, one to calibrate); found {seasons.Count}");
        }

        var calibrationYear = seasons[^1];
        var plan = new TrainingPlan(SeasonStart(seasons[0]), SeasonStart(calibrationYear), SeasonStart(calibrationYear), SeasonStart(calibrationYear + 1));
        return (records, plan, seasons);
    }

    public static DateOnly SeasonStart(int startYear) => new(startYear, 8, 1);
}
