using Microsoft.Extensions.DependencyInjection;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Jobs;
using NbaPredict.Core.Features.Models;
using NbaPredict.Core.Features.Retraining;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests.Jobs;

/// <summary>
/// Champion and challenger: a candidate that does not beat production by the margin stays a candidate, one that
/// does is promoted, and both decisions are stored with their numbers; drift past the threshold asks for retraining.
/// </summary>
public sealed class RetrainingTests(RetrainingTests.TrainedApp fixture) : IClassFixture<RetrainingTests.TrainedApp>
{

    /// <summary>One imported slice and one tiny production model, shared by the tests of this class.</summary>
    public sealed class TrainedApp : IAsyncLifetime
    {
        private TestDatabase database = null!;

        public NbaApp App { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            database = await TestDatabase.CreateAsync(Provider.Sqlite);
            App = new NbaApp(database, new Dictionary<string, string?>
            {
                ["Jobs:Drift:PsiThreshold"] = "0",
                ["Jobs:Drift:RecentDays"] = "5",
            });
            await App.ImportTwoSeasonSlicesAsync(days: 10);
            await App.TrainTinyProductionModelAsync();
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_candidate_is_promoted_only_past_the_margin_and_every_decision_keeps_its_numbers()
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var retraining = scope.ServiceProvider.GetRequiredService<RetrainingService>();
        var registry = scope.ServiceProvider.GetRequiredService<ModelRegistryService>();
        var champion = (await registry.GetProductionAsync())!.Version;

        var kept = await retraining.RetrainAsync(new RetrainRequest("test: out of reach", WindowDays: 4, Margin: 10, Options: TestTraining.Tiny));

        Assert.False(kept.Promoted);
        Assert.Equal(champion, kept.ChampionVersion);
        Assert.Equal(champion, (await registry.GetProductionAsync())!.Version);
        Assert.Equal(ModelStage.Candidate, (await registry.GetAsync(kept.CandidateVersion))!.Stage);
        Assert.True(kept.WindowRows >= 50);
        Assert.Equal(8, kept.Stats.Count);
        Assert.All(kept.Stats, s => Assert.True(s.CandidateMae > 0 && s.ChampionMae > 0, s.Stat));
        Assert.Equal(1 - kept.Stats.Average(s => s.CandidateMae / s.ChampionMae), kept.Improvement, 3);
        Assert.Contains("stays a candidate", kept.Reason, StringComparison.Ordinal);

        var promoted = await retraining.RetrainAsync(new RetrainRequest("test: any improvement", WindowDays: 4, Margin: -10, Options: TestTraining.Tiny));

        Assert.True(promoted.Promoted);
        Assert.Equal(promoted.CandidateVersion, (await registry.GetProductionAsync())!.Version);
        Assert.Equal(ModelStage.Archived, (await registry.GetAsync(champion))!.Stage);
        var decisions = await retraining.ListAsync(10);
        Assert.Equal([promoted.Id, kept.Id], decisions.Select(d => d.Id));
        Assert.Equal(["test: any improvement", "test: out of reach"], decisions.Select(d => d.Trigger));

        var served = NbaApp.Data(await fixture.App.QueryAsync("{ retrainingDecisions(last: 2) { promoted candidateVersion improvement margin stats { stat candidateMae championMae } } }"))["retrainingDecisions"]!.AsArray();
        Assert.Equal([true, false], served.Select(d => (bool)d!["promoted"]!));
        Assert.Equal(kept.CandidateVersion, (string)served[1]!["candidateVersion"]!);
        Assert.Equal(8, served[1]!["stats"]!.AsArray().Count);
    }

    [Fact]
    public async Task Drift_past_the_threshold_asks_for_retraining()
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var job = scope.ServiceProvider.GetRequiredService<DetectDriftJob>();

        var outcome = await job.RunAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.True(outcome.RetrainRequested, outcome.Summary);
        Assert.StartsWith("drift #", outcome.RetrainTrigger, StringComparison.Ordinal);
    }
}
