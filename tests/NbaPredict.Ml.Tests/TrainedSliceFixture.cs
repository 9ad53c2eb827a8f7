using NbaPredict.Ml.Data;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Ml.Tests;

/// <summary>
/// Trains once on a small slice: history from 2020-21, train Oct–Dec 2021, calibrate Jan 2022, hold out Feb–Mar 2022.
/// </summary>
public sealed class TrainedSliceFixture
{
    public static readonly DateOnly TestFrom = new(2022, 2, 1);
    public static readonly DateOnly TestTo = new(2022, 3, 15);

    public TrainedSliceFixture()
    {
        var records = TestData.Season("2020-21").Concat(TestData.Season("2021-22")).Where(r => r.Date < TestTo).ToList();
        (Store, Matrix) = FeatureStore.BuildHistorical(records);
        Plan = new TrainingPlan(new DateOnly(2021, 10, 1), new DateOnly(2022, 1, 1), new DateOnly(2022, 1, 1), TestFrom);
        Options = TrainingOptions.Quick with { Stats = [StatKind.Pts, StatKind.Reb, StatKind.Ast, StatKind.Min] };
        Bundle = ModelTrainer.Train(Matrix, Plan, Options);
    }

    public FeatureStore Store { get; }

    public FeatureMatrix Matrix { get; }

    public TrainingPlan Plan { get; }

    public TrainingOptions Options { get; }

    public ModelBundle Bundle { get; }

    public IEnumerable<int> TestRows()
    {
        var hist = FeatureSchema.IndexOf("c_has_history");
        for (var i = 0; i < Matrix.Rows; i++)
        {
            if (Matrix.Records[i].Date >= TestFrom && Matrix.Row(i)[hist] > 0)
            {
                yield return i;
            }
        }
    }
}
