using NbaPredict.Ml.Modeling;

namespace NbaPredict.IntegrationTests.Infrastructure;

public static class TestTraining
{
    /// <summary>
    /// A small, fast configuration: these tests check storage, serving and the API, not accuracy
    /// (the Ml tests and docs/evaluation.md do that).
    /// </summary>
    public static readonly TrainingOptions Tiny = TrainingOptions.Quick with
    {
        Members = [MemberKind.LightGbm, MemberKind.Linear],
        LightGbmIterations = 15,
        MaxTrainRows = 3_000,
    };
}
