using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;
using NbaPredict.Core.Features.Predictions;
using NbaPredict.Ml.Features;

namespace NbaPredict.Core.Features.Insights;

/// <summary>
/// Plain-language explanations of stored predictions. Facts come from the model (driver contributions) and the
/// features (form, rest, opponent); the text comes from the offline generator or, when configured, an LLM whose
/// answer must pass the grounding check. Insights are stored and reused per (prediction, prompt version, provider).
/// </summary>
public sealed class InsightService(
    IDbContextFactory<NbaDbContext> contexts,
    PredictionService predictions,
    InsightInputs inputs,
    InsightPlayerNames playerNames,
    PromptLibrary prompts,
    ILlmInsightWriter llm,
    IOptions<InsightOptions> options,
    TimeProvider time,
    ILogger<InsightService> logger)
{
    public const string AnonymousClient = "anonymous";
    public const int MaxCommentLength = 1000;

    private static readonly InsightQualityEvaluator Evaluator = new();

    /// <summary>The insight of one stored prediction, generated on first request; null when no such prediction exists.</summary>
    public async Task<InsightView?> GetAsync(long predictionId, InsightDepth depth, string clientId, CancellationToken cancellationToken = default) =>
        (await GetManyAsync([predictionId], depth, clientId, cancellationToken)).TryGetValue(predictionId, out var insight) ? insight : null;

    /// <summary>Insights of several predictions (for DataLoaders): cached ones are read, the others generated.</summary>
    public async Task<IDictionary<long, InsightView>> GetManyAsync(IReadOnlyList<long> predictionIds, InsightDepth depth, string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predictionIds);
        var prompt = prompts.For(depth);
        var provider = options.Value.ProviderKey;
        var result = await CachedAsync(predictionIds, prompt, provider, cancellationToken);
        var missing = predictionIds.Where(id => !result.ContainsKey(id)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return result;
        }

        var stored = await predictions.GetManyAsync(missing, cancellationToken);
        // In the order asked for: which insight meets a spent budget first must not depend on the database's row order.
        foreach (var day in missing.Where(stored.ContainsKey).Select(id => stored[id]).GroupBy(p => p.GameDate))
        {
            var list = day.ToList();
            Dictionary<(string GameId, int TeamId), int[]> reports;
            await using (var db = contexts.CreateDbContext())
            {
                reports = await Availability.AvailabilityReport.ForDateAsync(db, day.Key, cancellationToken);
            }

            // A prediction made with its team's injury report is rebuilt with the report, as it was made.
            var unavailable = list.Select(p => p.AbsencesNamed ? reports.GetValueOrDefault((p.GameId, p.TeamId)) ?? [] : null).ToList();
            // One query per day for every name the texts need: the predicted players and the players reported out.
            var names = await PlayerNamesAsync([.. unavailable.SelectMany(ids => ids ?? []).Concat(list.Select(p => p.PlayerId)).Distinct()], cancellationToken);
            var features = await inputs.FeaturizeAsync(
                day.Key,
                [.. list.Select(p => new PlayerGameQuery(p.PlayerId, NbaTeams.CodeOf(p.TeamId), NbaTeams.CodeOf(p.OpponentTeamId), p.Home, p.GameDate))],
                unavailable,
                cancellationToken);
            for (var i = 0; i < list.Count; i++)
            {
                IReadOnlyList<string> reportedOut = unavailable[i] is { } ids ? [.. ids.Where(names.ContainsKey).Select(id => names[id])] : [];
                var player = names.GetValueOrDefault(list[i].PlayerId) ?? $"Player {list[i].PlayerId}";
                result[list[i].Id] = await GenerateAsync(list[i], player, features[i], reportedOut, prompt, clientId, cancellationToken);
            }
        }

        return result;
    }

    /// <summary>Stored insights of players, newest first (for DataLoaders).</summary>
    public async Task<ILookup<int, InsightView>> ListForPlayersAsync(IReadOnlyList<int> playerIds, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.Insights.AsNoTracking().Where(i => playerIds.Contains(i.PlayerId))
            .OrderByDescending(i => i.Id).Take(5_000).ToListAsync(cancellationToken);
        return rows.Select(i => InsightView.From(i, cached: true)).ToLookup(i => i.PlayerId);
    }

    public async Task<IDictionary<long, InsightView>> GetByIdsAsync(IReadOnlyList<long> insightIds, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.Insights.AsNoTracking().Where(i => insightIds.Contains(i.Id)).ToListAsync(cancellationToken);
        return rows.ToDictionary(i => i.Id, i => InsightView.From(i, cached: true));
    }

    /// <summary>Records a user's verdict on an insight.</summary>
    public async Task<InsightRatingView> RateAsync(long insightId, bool helpful, string? comment, string clientId, CancellationToken cancellationToken = default)
    {
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (comment is { Length: > MaxCommentLength })
        {
            throw new DomainException("COMMENT_TOO_LONG", $"a comment has at most {MaxCommentLength} characters; got {comment.Length}");
        }

        await using var db = contexts.CreateDbContext();
        if (!await db.Insights.AnyAsync(i => i.Id == insightId, cancellationToken))
        {
            throw new DomainException("INSIGHT_NOT_FOUND", $"no insight with id {insightId}");
        }

        var rating = new InsightRating { InsightId = insightId, Helpful = helpful, Comment = comment, ClientId = clientId, CreatedAt = time.GetUtcNow() };
        db.InsightRatings.Add(rating);
        await db.SaveChangesAsync(cancellationToken);
        return new InsightRatingView(rating.Id, rating.InsightId, rating.Helpful, rating.Comment, rating.CreatedAt);
    }

    /// <summary>Costs, quality counters and ratings per prompt id, prompt version and provider.</summary>
    public async Task<IReadOnlyList<InsightPromptStats>> StatsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.Insights.AsNoTracking()
            .Select(i => new { i.Id, i.PromptId, i.PromptVersion, i.Provider, i.TokensIn, i.TokensOut, i.Cost, i.LatencyMs, i.Attempts, i.Outcome })
            .ToListAsync(cancellationToken);
        var ratings = (await db.InsightRatings.AsNoTracking().Select(r => new { r.InsightId, r.Helpful }).ToListAsync(cancellationToken))
            .ToLookup(r => r.InsightId);
        return rows.GroupBy(r => (r.PromptId, r.PromptVersion, r.Provider))
            .OrderBy(g => g.Key.PromptId, StringComparer.Ordinal).ThenByDescending(g => g.Key.PromptVersion).ThenBy(g => g.Key.Provider, StringComparer.Ordinal)
            .Select(g =>
            {
                var rated = g.SelectMany(r => ratings[r.Id]).ToList();
                return new InsightPromptStats(
                    g.Key.PromptId, g.Key.PromptVersion, g.Key.Provider, g.Count(), g.Sum(r => (long)r.TokensIn), g.Sum(r => (long)r.TokensOut),
                    Math.Round(g.Sum(r => r.Cost), 6), Math.Round(g.Average(r => r.LatencyMs), 1), g.Count(r => r.Attempts > 1),
                    g.Count(r => r.Outcome == InsightOutcome.ReplacedByOffline), g.Count(r => r.Outcome == InsightOutcome.BudgetFallback),
                    g.Count(r => r.Outcome == InsightOutcome.ProviderError), rated.Count, rated.Count(r => r.Helpful), rated.Count(r => !r.Helpful));
            })
            .ToList();
    }

    private async Task<Dictionary<long, InsightView>> CachedAsync(IReadOnlyList<long> predictionIds, PromptFile prompt, string provider, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.Insights.AsNoTracking()
            .Where(i => i.PredictionId != null && predictionIds.Contains(i.PredictionId.Value) && i.PromptId == prompt.Id && i.PromptVersion == prompt.Version && i.Provider == provider)
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(i => i.PredictionId!.Value, i => InsightView.From(i, cached: true));
    }

    private async Task<InsightView> GenerateAsync(
        PredictionView prediction, string player, float[] features, IReadOnlyList<string> reportedOut, PromptFile prompt, string clientId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(features.AsSpan()))) != prediction.InputsHash)
        {
            // The box scores before the game changed since the prediction was made (a corrected import): the drivers
            // describe today's inputs, which is still the honest explanation, but it is worth knowing.
            logger.LogWarning("Insight for prediction {Id}: rebuilt features differ from the ones the prediction was made from", prediction.Id);
        }

        var bundle = await inputs.BundleAsync(prediction.ModelVersion, cancellationToken);
        var facts = InsightFacts.Build(prediction, player, features, bundle, reportedOut);
        var o = options.Value;
        var draft = new Insight
        {
            PredictionId = prediction.Id, PlayerId = prediction.PlayerId, GameDate = prediction.GameDate, Depth = prompt.Depth,
            PromptId = prompt.Id, PromptVersion = prompt.Version, Provider = InsightOptions.OfflineProvider, Model = OfflineInsightWriter.Model,
            ClientId = clientId, Attempts = 0, Outcome = InsightOutcome.Offline, Text = "",
            DriversJson = JsonSerializer.Serialize(facts.Drivers, InsightFacts.Json), FactsJson = facts.ToJson(),
        };

        if (o.UsesLlm)
        {
            if (await TokensUsedTodayAsync(clientId, cancellationToken) >= o.DailyTokenBudgetPerClient)
            {
                logger.LogInformation("Client {Client} is over its daily insight token budget: offline text", clientId);
                draft.Outcome = InsightOutcome.BudgetFallback;
            }
            else
            {
                // Paid-for generation outlives the request: when a slow model makes the caller time out, the answer
                // is still checked and stored, and the caller's next request reads it instead of paying again.
                using var generation = new CancellationTokenSource(TimeSpan.FromSeconds(4 * Math.Max(1, o.TimeoutSeconds)));
                await WriteWithLlmAsync(draft, facts, prompt, o, generation.Token);
                cancellationToken = CancellationToken.None;
            }
        }

        if (draft.Text.Length == 0)
        {
            draft.Text = OfflineInsightWriter.Write(facts, prompt.Depth);
        }

        draft.LatencyMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
        draft.CreatedAt = time.GetUtcNow();
        return await SaveAsync(draft, cancellationToken);
    }

    private async Task WriteWithLlmAsync(Insight draft, InsightFacts facts, PromptFile prompt, InsightOptions o, CancellationToken cancellationToken)
    {
        var route = o.RouteFor(prompt.Depth);
        var names = await playerNames.GetAsync(cancellationToken);
        string? feedback = null;
        try
        {
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                var generated = await llm.WriteAsync(prompt, route.Model, facts, feedback, cancellationToken);
                draft.Attempts = attempt;
                draft.TokensIn += generated.TokensIn;
                draft.TokensOut += generated.TokensOut;
                var check = GroundingCheck.Check(generated.Text, facts, names);
                if (check.Passed)
                {
                    draft.Text = generated.Text;
                    draft.Outcome = attempt == 1 ? InsightOutcome.Grounded : InsightOutcome.GroundedOnRetry;
                    break;
                }

                var issues = string.Join("; ", check.Issues.Take(10));
                draft.GroundingIssues = draft.GroundingIssues is null ? $"attempt {attempt}: {issues}" : $"{draft.GroundingIssues} | attempt {attempt}: {issues}";
                feedback = $"Your previous answer was rejected because {issues}. Use only numbers and names that appear in the facts.";
                logger.LogWarning("Insight for prediction {Id} failed the grounding check (attempt {Attempt}): {Issues}", draft.PredictionId, attempt, issues);
            }

            draft.Provider = o.ProviderKey;
            draft.Model = route.Model;
            draft.Cost = route.CostOf(draft.TokensIn, draft.TokensOut);
            if (draft.Text.Length == 0)
            {
                draft.Text = OfflineInsightWriter.Write(facts, prompt.Depth);
                draft.Outcome = InsightOutcome.ReplacedByOffline;
            }

            var evaluation = await Evaluator.EvaluateAsync(
                [new ChatMessage(ChatRole.User, facts.ToJson())],
                new ChatResponse(new ChatMessage(ChatRole.Assistant, draft.Text)),
                additionalContext: [new InsightFactsContext(facts, names)],
                cancellationToken: cancellationToken);
            draft.EvaluationJson = JsonSerializer.Serialize(InsightQualityEvaluator.Flatten(evaluation), InsightFacts.Json);
        }
        catch (Exception ex) when (ex is HttpRequestException or Microsoft.SemanticKernel.HttpOperationException or Microsoft.SemanticKernel.KernelException
                                       or System.ClientModel.ClientResultException or OperationCanceledException or InvalidOperationException)
        {
            // A failed call is not cached under the provider: the next request tries the provider again.
            logger.LogWarning("Insight provider {Provider} failed for prediction {Id}: {Message}", o.ProviderKey, draft.PredictionId, ex.Message);
            draft.Provider = InsightOptions.OfflineProvider;
            draft.Model = OfflineInsightWriter.Model;
            draft.Outcome = InsightOutcome.ProviderError;
            draft.Text = "";
            draft.Cost = route.CostOf(draft.TokensIn, draft.TokensOut);
        }
    }

    /// <summary>The names of players by id (unknown ids are left out), in one query.</summary>
    private async Task<Dictionary<int, string>> PlayerNamesAsync(int[] playerIds, CancellationToken cancellationToken)
    {
        if (playerIds.Length == 0)
        {
            return [];
        }

        await using var db = contexts.CreateDbContext();
        return await db.Players.AsNoTracking().Where(p => playerIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
    }

    private async Task<long> TokensUsedTodayAsync(string clientId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var dayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        await using var db = contexts.CreateDbContext();
        var rows = await db.Insights.AsNoTracking()
            .Where(i => i.ClientId == clientId && i.TokensIn + i.TokensOut > 0)
            .OrderByDescending(i => i.Id).Take(10_000)
            .Select(i => new { i.CreatedAt, Tokens = i.TokensIn + i.TokensOut })
            .ToListAsync(cancellationToken);
        // Filtered here: SQLite cannot compare DateTimeOffset values in SQL.
        return rows.Where(r => r.CreatedAt >= dayStart).Sum(r => (long)r.Tokens);
    }

    /// <summary>
    /// Stores the insight. Budget fallbacks and provider errors are stored under "offline", so a cached row never
    /// hides a provider that could answer; when a concurrent request stored the same key first, that row wins.
    /// </summary>
    private async Task<InsightView> SaveAsync(Insight insight, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var existing = await db.Insights.AsNoTracking().FirstOrDefaultAsync(
            i => i.PredictionId == insight.PredictionId && i.PromptId == insight.PromptId && i.PromptVersion == insight.PromptVersion && i.Provider == insight.Provider,
            cancellationToken);
        if (existing is not null)
        {
            return InsightView.From(existing, cached: true);
        }

        db.Insights.Add(insight);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            await using var again = contexts.CreateDbContext();
            var winner = await again.Insights.AsNoTracking().FirstAsync(
                i => i.PredictionId == insight.PredictionId && i.PromptId == insight.PromptId && i.PromptVersion == insight.PromptVersion && i.Provider == insight.Provider,
                cancellationToken);
            return InsightView.From(winner, cached: true);
        }

        return InsightView.From(insight, cached: false);
    }
}
