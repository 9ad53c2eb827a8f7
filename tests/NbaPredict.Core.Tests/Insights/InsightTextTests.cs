using Microsoft.Extensions.AI;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Insights;
using Xunit;

namespace NbaPredict.Core.Tests.Insights;

public class InsightTextTests
{
    private static readonly string[] KnownPlayers = ["Jayson Tatum", "LeBron James", "Anthony Davis", "Jaylen Brown"];

    private static readonly InsightFacts Facts = new(
        PredictionId: 42,
        Player: "Jayson Tatum",
        Team: "BOS",
        TeamName: "Boston Celtics",
        Opponent: "PHI",
        OpponentName: "Philadelphia 76ers",
        Home: true,
        Date: new DateOnly(2023, 11, 10),
        ModelVersion: "m1",
        Predicted:
        [
            new StatFact("PTS", 27.4, 20.1, 34.6, 16.2, 39.9), new StatFact("REB", 8.3, 5.2, 11.4, 3.9, 13.8),
            new StatFact("AST", 4.6, 2.4, 6.9, 1.3, 8.7), new StatFact("MIN", 36.1, 31.8, 39.9, 27.5, 42.2),
        ],
        Drivers:
        [
            new DriverFact("PTS", "SeasonAverage", "season average", 9.8, [new DriverFeatureFact("p_season_mean_pts", 26.9, 11.2, 3.1)]),
            new DriverFact("PTS", "RecentForm", "recent form", 2.3, []),
            new DriverFact("PTS", "OpponentDefence", "opponent defence", -0.7, []),
            new DriverFact("REB", "SeasonAverage", "season average", 3.2, []),
            new DriverFact("AST", "MinutesRole", "minutes and role", 1.1, []),
        ],
        Form: [new FormFact("PTS", 29.2, 27.8, 26.9), new FormFact("REB", 8.8, 8.1, 8.4), new FormFact("AST", 4.4, 4.7, 4.6), new FormFact("MIN", 36.4, 36, 35.9)],
        Rest: new RestFact(2, false, 3, 1, true),
        OpponentDefence: new OpponentFact("PHI", 108.4, -3.6),
        Uncertainty: new UncertaintyFact("PTS", 14.5, 23.7, "moderate"));

    [Theory]
    [InlineData(InsightDepth.Summary, 3, 4)]
    [InlineData(InsightDepth.DeepDive, 5, 6)]
    public void The_offline_text_is_grounded_and_says_what_drives_the_prediction(InsightDepth depth, int minSentences, int maxSentences)
    {
        var text = OfflineInsightWriter.Write(Facts, depth);

        var grounding = GroundingCheck.Check(text, Facts, KnownPlayers);
        Assert.True(grounding.Passed, string.Join("; ", grounding.Issues) + " in: " + text);
        Assert.True(grounding.NumbersChecked >= 8, text);
        Assert.InRange(InsightQualityEvaluator.CountSentences(text), minSentences, maxSentences);
        Assert.Contains("Jayson Tatum (BOS) is projected for 27.4 points", text, StringComparison.Ordinal);
        Assert.Contains("season average adds 9.8", text, StringComparison.Ordinal);
        Assert.Contains("between 20.1 and 34.6 points", text, StringComparison.Ordinal);
        Assert.Equal(text, OfflineInsightWriter.Write(Facts, depth)); // deterministic
    }

    [Theory]
    [InlineData("Jayson Tatum should score 27.4 points.", true)]
    [InlineData("Jayson Tatum should score about 27 points against the 76ers.", true)]
    [InlineData("The defence takes away 0.7 points and he rested 2 days.", true)]
    [InlineData("He averaged 29.2 over the last 5 games on 2023-11-10.", true)]
    [InlineData("Jayson Tatum should score 31 points.", false)]
    [InlineData("Jayson Tatum should score 97.3 points.", false)]
    [InlineData("Tatum outscores LeBron James tonight.", false)]
    [InlineData("The Celtics face the Lakers.", false)]
    [InlineData("He plays on 2023-11-12.", false)]
    [InlineData("   ", false)]
    public void The_grounding_check_accepts_only_facts_and_the_games_names(string text, bool grounded)
    {
        var result = GroundingCheck.Check(text, Facts, KnownPlayers);
        Assert.True(result.Passed == grounded, string.Join("; ", result.Issues));
    }

    [Fact]
    public void Teammates_ruled_out_by_the_injury_report_are_said_and_may_be_named_but_no_one_else()
    {
        var reported = Facts with { ReportedOut = ["Jaylen Brown", "Anthony Davis"] };

        var text = OfflineInsightWriter.Write(reported, InsightDepth.Summary);

        Assert.Contains("His team's injury report rules out Jaylen Brown and Anthony Davis, and the projection plays the game without them", text, StringComparison.Ordinal);
        Assert.True(GroundingCheck.Check(text, reported, KnownPlayers).Passed, text);
        Assert.False(GroundingCheck.Check(text, Facts, KnownPlayers).Passed);
        Assert.False(GroundingCheck.Check("Jaylen Brown is out, and so is LeBron James.", reported, KnownPlayers).Passed);
        Assert.DoesNotContain("injury report", OfflineInsightWriter.Write(Facts, InsightDepth.Summary), StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_match_at_the_precision_they_are_written()
    {
        double[] facts = [14.27, 3];
        Assert.True(GroundingCheck.Matches("14.3", facts));
        Assert.True(GroundingCheck.Matches("14", facts));
        Assert.True(GroundingCheck.Matches("14.27", facts));
        Assert.False(GroundingCheck.Matches("14.2", facts));
        Assert.False(GroundingCheck.Matches("15", facts));
        Assert.True(GroundingCheck.Matches("3.0", facts));
    }

    [Fact]
    public async Task The_evaluator_scores_grounding_driver_coverage_and_length()
    {
        var text = "Jayson Tatum is projected for 27.4 points. His season average drives it. He scored 41 last night.";
        var result = await new InsightQualityEvaluator().EvaluateAsync(
            [new ChatMessage(ChatRole.User, "facts")],
            new ChatResponse(new ChatMessage(ChatRole.Assistant, text)),
            additionalContext: [new InsightFactsContext(Facts, KnownPlayers)]);
        var scores = InsightQualityEvaluator.Flatten(result);

        Assert.Equal(0.5, scores[InsightQualityEvaluator.GroundedNumbers]); // 27.4 yes, 41 no
        Assert.Equal(0.5, scores[InsightQualityEvaluator.DriversCovered]); // season average, not recent form
        Assert.Equal(3, scores[InsightQualityEvaluator.Sentences]);
        Assert.Equal(1, scores[InsightQualityEvaluator.SentenceCountInRange]);
        Assert.Equal(1, scores[InsightQualityEvaluator.NoForeignNames]);
    }

    [Fact]
    public void The_repository_prompts_parse_with_id_version_and_a_template_per_depth()
    {
        var directory = RepositoryPrompts();
        var prompts = PromptLibrary.Load(directory);

        Assert.Equal([InsightDepth.Summary, InsightDepth.DeepDive], prompts.Keys.Order());
        Assert.All(prompts.Values, p =>
        {
            Assert.True(p.Version >= 1);
            Assert.Contains("{{$facts}}", p.Template, StringComparison.Ordinal);
            Assert.NotEmpty(p.System);
            Assert.InRange(p.MaxTokens, 100, 2000);
        });
        Assert.Equal("insight-summary", prompts[InsightDepth.Summary].Id);
    }

    [Fact]
    public void A_prompt_without_front_matter_or_version_is_refused()
    {
        Assert.Throws<FormatException>(() => PromptLibrary.Parse("just a template {{$facts}}", "bad.md"));
        Assert.Throws<FormatException>(() => PromptLibrary.Parse("---\nid: x\ndepth: summary\n---\nbody", "bad.md"));
        var parsed = PromptLibrary.Parse("---\nid: x\nversion: 3\ndepth: deep-dive\nmodel_hints:\n  max_tokens: 250\n---\nbody {{$facts}}", "ok.md");
        Assert.Equal(("x", 3, InsightDepth.DeepDive, 250, "body {{$facts}}"), (parsed.Id, parsed.Version, parsed.Depth, parsed.MaxTokens, parsed.Template));
    }

    private static string RepositoryPrompts()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "prompts");
            if (File.Exists(Path.Combine(candidate, "insight-summary.md")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("prompts/ not found above the test binaries");
    }
}
