using NbaPredict.Core.Features.Experiments;

namespace NbaPredict.Core.Tests.Experiments;

public sealed class AssignmentTests
{
    private static readonly ExperimentVariant[] Variants = [new("m-a", 80), new("m-b", 20)];

    [Fact]
    public void Assignment_is_sticky_for_a_unit_and_differs_between_experiments()
    {
        var first = ExperimentService.Assign(7, "player:201939", Variants);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(first, ExperimentService.Assign(7, "player:201939", Variants));
        }

        var perExperiment = Enumerable.Range(1, 50).Select(e => ExperimentService.Assign(e, "player:201939", Variants).ModelVersion).Distinct().Count();
        Assert.Equal(2, perExperiment);
    }

    [Fact]
    public void Assignment_follows_the_weights()
    {
        var counts = Enumerable.Range(0, 20_000)
            .Select(i => ExperimentService.Assign(3, "client:" + i, Variants).ModelVersion)
            .GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());

        Assert.InRange(counts["m-a"] / 20_000.0, 0.78, 0.82);
        Assert.InRange(counts["m-b"] / 20_000.0, 0.18, 0.22);
    }
}
