using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Core.Features.Predictions;

/// <summary>Someone who is expected to play in a game, with the side they play on.</summary>
public readonly record struct SlateEntry(string GameId, int PlayerId, int TeamId, int OpponentTeamId, bool Home, DateOnly Date)
{
    /// <summary>The teammates his team reported out of this game (an availability report), or null when it sent none.</summary>
    public int[]? Unavailable { get; init; }
}

/// <summary>
/// The one place predictions are made and stored. Every caller (GraphQL, REST, workers) goes through it, so
/// every served prediction records its model version, feature schema, inputs hash and time. While an experiment
/// runs, each unit (player or partner client) is served its variant's model, and the other variants' predictions of
/// the same player-games are stored beside it as shadow rows, so the variants can be compared on paired errors.
/// </summary>
public sealed class PredictionService(
    IDbContextFactory<NbaDbContext> contexts,
    HistoryLoader history,
    ProductionModel production,
    ModelBundleCache bundles,
    Experiments.RunningExperiments experiments,
    PredictionCache cache,
    LiveFeatureStore live,
    Events.IEventBus events,
    DayWriteLock dayLock,
    TimeProvider time)
{
    /// <summary>How many of a team's recent games define its expected roster for a game not yet played.</summary>
    public const int RosterLookbackGames = 3;

    /// <summary>How far back the one roster query looks for a team's recent games (teams with fewer games look further).</summary>
    public const int RosterWindowDays = 14;

    private const int ListLimit = 5_000;

    public Task<IReadOnlyList<PredictionView>> RefreshAsync(DateOnly date, CancellationToken cancellationToken = default) =>
        RefreshAsync(date, null, cancellationToken);

    /// <summary>
    /// Predicts every expected player-game on <paramref name="date"/> with the serving model(s), from history
    /// strictly before that date, in one vectorized call per model, and stores the predictions (replacing earlier
    /// ones of the same models). Answers the predictions served to <paramref name="clientId"/>.
    /// </summary>
    public async Task<IReadOnlyList<PredictionView>> RefreshAsync(DateOnly date, string? clientId, CancellationToken cancellationToken = default)
    {
        var (serving, predictions) = await ComputeAndStoreAsync(date, clientId, cancellationToken);
        await cache.InvalidateAsync(cancellationToken);
        // The saved entities carry their ids, so the answer needs no second read (and cannot pick up a model
        // promoted in the meantime); same order as ListAsync.
        var stored = serving.SelectServed(predictions.Select(PredictionView.From)
            .OrderBy(p => p.GameId, StringComparer.Ordinal).ThenByDescending(p => p.Home).ThenBy(p => p.PlayerId));
        await PublishAsync(stored, cancellationToken);
        return stored;
    }

    /// <summary>
    /// Every expected player-game of a date predicted by every serving model, not yet stored: the slate (one query),
    /// its feature rows, then one vectorized batch call per model.
    /// </summary>
    public async Task<(Serving Serving, List<StoredPrediction> Predictions)> ComputeDateAsync(DateOnly date, string? clientId, CancellationToken cancellationToken = default)
    {
        var serving = await ResolveAsync(clientId, cancellationToken);
        if (serving.IsEmpty)
        {
            throw NoModelYet();
        }

        var models = new List<LoadedModel>();
        foreach (var version in serving.ModelsToRun)
        {
            models.Add(await bundles.GetAsync(version, cancellationToken));
        }

        var slate = await GetSlateAsync(date, cancellationToken);
        if (slate.Count == 0)
        {
            throw new DomainException("NO_GAMES", $"there are no games on {date:yyyy-MM-dd}");
        }

        var matrix = await FeaturizeAsync(date, slate, cancellationToken);
        return (serving, Predict(models, serving, matrix, slate));
    }

    /// <summary>
    /// A what-if: the player's line against <paramref name="opponentCode"/> on <paramref name="date"/>, home or away,
    /// from history strictly before that date. Not stored: no such game exists to score it against.
    /// <paramref name="unavailablePlayerIds"/> are the players known to miss the game (an injury report): when given,
    /// exactly these teammates count as absent, instead of those who missed the team's last game, and the bundle's
    /// known-absence model (trained on features written that way) predicts, when it has one.
    /// </summary>
    public async Task<WhatIfPrediction> PredictWhatIfAsync(
        int playerId, string opponentCode, bool home, DateOnly date, IReadOnlyList<int>? unavailablePlayerIds = null, CancellationToken cancellationToken = default)
    {
        var model = await production.GetAsync(cancellationToken) ?? throw NoModelYet();
        var opponent = NbaTeams.FindByCode(opponentCode.Trim())
            ?? throw new DomainException("UNKNOWN_TEAM", $"opponent '{opponentCode}' is not an NBA team abbreviation such as BOS or GSW");
        await using var db = contexts.CreateDbContext();
        var lastGame = await db.PlayerGames.AsNoTracking()
            .Where(pg => pg.PlayerId == playerId && pg.GameDate < date)
            .OrderByDescending(pg => pg.GameDate).Select(pg => new { pg.TeamId }).FirstOrDefaultAsync(cancellationToken);
        var player = await db.Players.AsNoTracking().FirstOrDefaultAsync(p => p.Id == playerId, cancellationToken);
        if (player is null && lastGame is null)
        {
            throw new DomainException("UNKNOWN_PLAYER", $"no player with NBA id {playerId}");
        }

        var teamId = lastGame?.TeamId ?? player!.CurrentTeamId
            ?? throw new DomainException("UNKNOWN_TEAM", $"player {playerId} has no team before {date:yyyy-MM-dd}");
        if (teamId == opponent.Id)
        {
            throw new DomainException("INVALID_OPPONENT", $"player {playerId} plays for {opponent.Abbreviation} on that date; choose another opponent");
        }

        var unavailable = await ValidateUnavailableAsync(db, playerId, unavailablePlayerIds, cancellationToken);

        var query = new PlayerGameQuery(playerId, NbaTeams.CodeOf(teamId), opponent.Abbreviation, home, date);
        var stats = new StatPrediction[model.Bundle.Stats.Count];
        var features = new float[FeatureSchema.Count];
        var predicted = await live.UseAsync(date, store =>
        {
            Featurize(store, query, features, unavailable);
            return features;
        }, cancellationToken);
        if (predicted is null)
        {
            var prior = await history.LoadAsync(before: date, cancellationToken);
            var (store, _) = await Task.Run(() => FeatureStore.BuildHistorical(prior), cancellationToken);
            Featurize(store, query, features, unavailable);
        }

        using (StartInference("predict what-if", model, rows: 1))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            if (unavailable is null)
            {
                model.Bundle.Predict(features, stats);
            }
            else
            {
                model.Bundle.PredictWithKnownAbsences(features, stats);
            }

            RecordInference("whatif", started, rows: 1);
        }

        return new WhatIfPrediction(playerId, teamId, opponent.Id, home, date, model.Version.Version, PredictionStats.Parse(PredictionStats.Serialize(stats)))
        {
            UnavailablePlayerIds = unavailable,
            KnownAbsenceModel = unavailable is not null && model.Bundle.HasKnownAbsenceModel,
        };
    }

    private static void Featurize(FeatureStore store, in PlayerGameQuery query, float[] features, int[]? unavailable)
    {
        if (unavailable is null)
        {
            store.Featurize(query, features);
        }
        else
        {
            store.Featurize(query, features, unavailable);
        }
    }

    /// <summary>The what-if's unavailable players, de-duplicated, or a clear error naming the first bad one.</summary>
    private static async Task<int[]?> ValidateUnavailableAsync(NbaDbContext db, int playerId, IReadOnlyList<int>? ids, CancellationToken cancellationToken)
    {
        if (ids is null)
        {
            return null;
        }

        var distinct = Availability.UnavailablePlayers.Distinct(ids, "given");
        if (distinct.Contains(playerId))
        {
            throw new DomainException("INVALID_UNAVAILABLE", $"player {playerId} is the player being predicted, so he cannot also be unavailable");
        }

        return await Availability.UnavailablePlayers.UnknownAsync(db, distinct, cancellationToken) is [var unknown, ..]
            ? throw Availability.UnavailablePlayers.Unknown(unknown)
            : distinct;
    }

    public Task<IReadOnlyList<PredictionView>> ListAsync(DateOnly? date, string? gameId, int? playerId, CancellationToken cancellationToken = default) =>
        ListAsync(date, gameId, playerId, null, cancellationToken);

    /// <summary>
    /// The stored predictions served to <paramref name="clientId"/> matching the filters: the production model's, or
    /// while an experiment runs, each unit's variant (falling back to the production model's for player-games the
    /// experiment has not predicted). Cached; none before any model exists.
    /// </summary>
    public async Task<IReadOnlyList<PredictionView>> ListAsync(DateOnly? date, string? gameId, int? playerId, string? clientId, CancellationToken cancellationToken = default)
    {
        var serving = await ResolveAsync(clientId, cancellationToken);
        if (serving.IsEmpty)
        {
            return [];
        }

        var key = string.Create(CultureInfo.InvariantCulture, $"predictions:{serving.CacheKey}:{date:yyyy-MM-dd}:{gameId}:{playerId}");
        var list = await cache.GetOrCreateAsync(
            "predictions",
            key,
            (Service: this, Serving: serving, Date: date, GameId: gameId, PlayerId: playerId),
            static async (s, ct) => new PredictionList(await s.Service.LoadServedAsync(s.Serving, s.Date, s.GameId is null ? null : [s.GameId], s.PlayerId, ct)),
            cancellationToken);
        return list.Items;
    }

    /// <summary>
    /// Predictions for a date, computing and storing them first when the serving model(s) have none for it yet.
    /// </summary>
    public Task<IReadOnlyList<PredictionView>> GetOrRefreshAsync(DateOnly date, CancellationToken cancellationToken = default) =>
        GetOrRefreshAsync(date, null, cancellationToken);

    public async Task<IReadOnlyList<PredictionView>> GetOrRefreshAsync(DateOnly date, string? clientId, CancellationToken cancellationToken = default)
    {
        var stored = await ListAsync(date, null, null, clientId, cancellationToken);
        var serving = await ResolveAsync(clientId, cancellationToken);
        var complete = serving.Experiment is { } experiment ? stored.Any(p => p.ExperimentId == experiment.Id) : stored.Count > 0;
        if (complete || serving.IsEmpty)
        {
            return stored;
        }

        try
        {
            return await RefreshAsync(date, clientId, cancellationToken);
        }
        catch (DomainException ex) when (ex.Code == "NO_GAMES")
        {
            return stored;
        }
    }

    public Task<ILookup<string, PredictionView>> GetByGamesAsync(IReadOnlyList<string> gameIds, CancellationToken cancellationToken = default) =>
        GetByGamesAsync(gameIds, null, cancellationToken);

    /// <summary>Stored predictions served to <paramref name="clientId"/> for several games at once (for DataLoaders).</summary>
    public async Task<ILookup<string, PredictionView>> GetByGamesAsync(IReadOnlyList<string> gameIds, string? clientId, CancellationToken cancellationToken = default)
    {
        var serving = await ResolveAsync(clientId, cancellationToken);
        var rows = serving.IsEmpty ? [] : await LoadServedAsync(serving, null, gameIds, null, cancellationToken);
        return rows.OrderBy(p => p.GameId, StringComparer.Ordinal).ThenByDescending(p => p.Home).ThenBy(p => p.PlayerId)
            .ToLookup(p => p.GameId, StringComparer.Ordinal);
    }

    public async Task<IDictionary<long, PredictionView>> GetManyAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.Predictions.AsNoTracking().Where(p => ids.Contains(p.Id)).ToListAsync(cancellationToken);
        return rows.ToDictionary(p => p.Id, PredictionView.From);
    }

    /// <summary>
    /// The player-games expected on a date: the box score for games already played (minutes &gt; 0), otherwise each
    /// team's players from its last <see cref="RosterLookbackGames"/> games, less those its availability report names
    /// out. Each entry of a team-game with a report carries the report's list.
    /// </summary>
    public async Task<IReadOnlyList<SlateEntry>> GetSlateAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var games = await db.Games.AsNoTracking().Where(g => g.Date == date).OrderBy(g => g.Id).ToListAsync(cancellationToken);
        var gameIds = games.Select(g => g.Id).ToList();
        var played = await db.PlayerGames.AsNoTracking()
            .Where(pg => gameIds.Contains(pg.GameId) && pg.Minutes > 0)
            .Select(pg => new SlateEntry(pg.GameId, pg.PlayerId, pg.TeamId, pg.OpponentTeamId, pg.Home, pg.GameDate))
            .ToListAsync(cancellationToken);
        var reports = await Availability.AvailabilityReport.ForDateAsync(db, date, cancellationToken);
        var slate = played.Select(p => WithReport(p, reports)).ToList();
        var playedGames = played.Select(p => p.GameId).ToHashSet(StringComparer.Ordinal);
        var upcoming = games.Where(g => !playedGames.Contains(g.Id)).ToList();
        if (upcoming.Count == 0)
        {
            return slate;
        }

        // Every team of the unplayed games at once: the players who played in the team's last few games before the date.
        var teams = upcoming.SelectMany(g => new[] { g.HomeTeamId, g.AwayTeamId }).Distinct().ToList();
        var rosters = await RecentRostersAsync(db, teams, date, date.AddDays(-RosterWindowDays), cancellationToken);
        var shortTeams = teams.Where(t => rosters.GetValueOrDefault(t) is not { Games: RosterLookbackGames }).ToList();
        if (shortTeams.Count > 0)
        {
            // Rare (a season's first games): teams without enough games in the window look back without a limit.
            foreach (var (team, roster) in await RecentRostersAsync(db, shortTeams, date, null, cancellationToken))
            {
                rosters[team] = roster;
            }
        }

        foreach (var game in upcoming)
        {
            foreach (var (team, opponent, home) in new[] { (game.HomeTeamId, game.AwayTeamId, true), (game.AwayTeamId, game.HomeTeamId, false) })
            {
                var roster = rosters.TryGetValue(team, out var found) ? found.Players : [];
                var unavailable = reports.GetValueOrDefault((game.Id, team));
                slate.AddRange(roster.Where(player => unavailable is null || !unavailable.Contains(player))
                    .Select(player => new SlateEntry(game.Id, player, team, opponent, home, date) { Unavailable = unavailable }));
            }
        }

        return slate;
    }

    private static SlateEntry WithReport(SlateEntry entry, Dictionary<(string GameId, int TeamId), int[]> reports) =>
        reports.TryGetValue((entry.GameId, entry.TeamId), out var unavailable) ? entry with { Unavailable = unavailable } : entry;

    /// <summary>Publishes each prediction to everyone, to its game's and to its player's subscribers.</summary>
    private async Task PublishAsync(IReadOnlyList<PredictionView> predictions, CancellationToken cancellationToken)
    {
        foreach (var prediction in predictions)
        {
            await events.PublishAsync(Events.Topics.Predictions, prediction, cancellationToken);
            await events.PublishAsync(Events.Topics.PredictionsForGame(prediction.GameId), prediction, cancellationToken);
            await events.PublishAsync(Events.Topics.PredictionsForPlayer(prediction.PlayerId), prediction, cancellationToken);
        }
    }

    private static System.Diagnostics.Activity? StartInference(string name, LoadedModel model, int rows)
    {
        var activity = Telemetry.NbaTelemetry.Inference.StartActivity(name);
        activity?.SetTag("nbapredict.model.version", model.Version.Version);
        activity?.SetTag("nbapredict.inference.rows", rows);
        return activity;
    }

    private static void RecordInference(string kind, long started, int rows)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        Telemetry.NbaTelemetry.PredictionDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, tag);
        Telemetry.NbaTelemetry.PredictionsMade.Add(rows, tag);
    }

    /// <summary>Each team's players (minutes &gt; 0) in its last <see cref="RosterLookbackGames"/> games before the date, in one query.</summary>
    private static async Task<Dictionary<int, (int Games, List<int> Players)>> RecentRostersAsync(
        NbaDbContext db, List<int> teams, DateOnly date, DateOnly? since, CancellationToken cancellationToken)
    {
        var query = db.PlayerGames.AsNoTracking().Where(pg => teams.Contains(pg.TeamId) && pg.GameDate < date && pg.Minutes > 0);
        if (since is { } from)
        {
            query = query.Where(pg => pg.GameDate >= from);
        }

        var recent = await query.Select(pg => new { pg.TeamId, pg.GameId, pg.PlayerId }).ToListAsync(cancellationToken);
        return recent.GroupBy(r => r.TeamId).ToDictionary(
            t => t.Key,
            t =>
            {
                var lastGames = t.Select(r => r.GameId).Distinct(StringComparer.Ordinal).OrderByDescending(id => id, StringComparer.Ordinal)
                    .Take(RosterLookbackGames).ToHashSet(StringComparer.Ordinal);
                return (lastGames.Count, t.Where(r => lastGames.Contains(r.GameId)).Select(r => r.PlayerId).Distinct().Order().ToList());
            });
    }

    private static DomainException NoModelYet() =>
        new("NO_MODEL_YET", "no production model yet: predictions appear once the first model is trained and promoted");

    /// <summary>
    /// The feature rows of a slate: from the live store for dates after the last stored game, else from the history
    /// before the date. Rows of a team-game with an availability report are written with its list.
    /// </summary>
    private async Task<FeatureMatrix> FeaturizeAsync(DateOnly date, IReadOnlyList<SlateEntry> slate, CancellationToken cancellationToken)
    {
        var queries = slate.Select(e => new PlayerGameQuery(e.PlayerId, NbaTeams.CodeOf(e.TeamId), NbaTeams.CodeOf(e.OpponentTeamId), e.Home, e.Date)).ToList();
        var unavailable = slate.Select(e => e.Unavailable).ToList();
        var matrix = await live.UseAsync(date, store => store.FeaturizeSlate(queries, unavailable), cancellationToken);
        if (matrix is not null)
        {
            return matrix;
        }

        var prior = await history.LoadAsync(before: date, cancellationToken);
        return await Task.Run(() => FeatureStore.BuildHistorical(prior).Store.FeaturizeSlate(queries, unavailable), cancellationToken);
    }

    private List<StoredPrediction> Predict(List<LoadedModel> models, Serving serving, FeatureMatrix matrix, IReadOnlyList<SlateEntry> slate)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        var hashes = new string[slate.Count];
        for (var i = 0; i < slate.Count; i++)
        {
            hashes[i] = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(matrix.Row(i))));
        }

        var absencesNamed = slate.Select(e => e.Unavailable is not null).ToArray();
        var result = new List<StoredPrediction>(slate.Count * models.Count);
        foreach (var model in models)
        {
            using var activity = StartInference("predict slate", model, slate.Count);
            var all = model.Bundle.PredictBatch(matrix, absencesNamed);
            var k = model.Bundle.Stats.Count;
            var version = model.Version.Version;
            for (var i = 0; i < slate.Count; i++)
            {
                var entry = slate[i];
                result.Add(new StoredPrediction
                {
                    GameId = entry.GameId,
                    PlayerId = entry.PlayerId,
                    TeamId = entry.TeamId,
                    OpponentTeamId = entry.OpponentTeamId,
                    Home = entry.Home,
                    GameDate = entry.Date,
                    ModelVersion = version,
                    FeatureSchemaVersion = model.Version.FeatureSchemaVersion,
                    InputsHash = hashes[i],
                    CreatedAt = now,
                    StatsJson = PredictionStats.Serialize(all.AsSpan(i * k, k)),
                    ExperimentId = serving.Experiment?.Id,
                    Served = serving.IsServedAtRefresh(version, entry.PlayerId),
                    AbsencesNamed = absencesNamed[i],
                });
            }
        }

        RecordInference("slate", started, result.Count);
        return result;
    }

    /// <summary>
    /// Computes the date's predictions and replaces the stored ones in one transaction under the day's write lock,
    /// which availability reports also take: a refresh that overlaps another, or a report, never leaves behind a slate
    /// computed before the latest report, nor two slates that break the unique index.
    /// </summary>
    private async Task<(Serving Serving, List<StoredPrediction> Predictions)> ComputeAndStoreAsync(DateOnly date, string? clientId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            using var day = await dayLock.EnterAsync(date, ct);
            // PostgreSQL: the lock across processes is held from before the slate is read until the rows are
            // committed. SQLite: the writing transaction starts after the computation, since SQLite's takes the
            // database's write lock at once and the computation may take seconds.
            await using var early = db.Provider == DatabaseProvider.Postgres ? await db.Database.BeginTransactionAsync(ct) : null;
            if (early is not null)
            {
                await DayWriteLock.HoldAcrossProcessesAsync(db, date, ct);
            }

            var (serving, predictions) = await ComputeDateAsync(date, clientId, ct);
            await using var late = early is null ? await db.Database.BeginTransactionAsync(ct) : null;
            var transaction = (early ?? late)!;
            var versions = serving.ModelsToRun;
            var experimentId = serving.Experiment?.Id;
            await db.Predictions.Where(p => p.GameDate == date && versions.Contains(p.ModelVersion) && p.ExperimentId == experimentId).ExecuteDeleteAsync(ct);
            db.Predictions.AddRange(predictions);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (serving, predictions);
        }, cancellationToken);
    }

    private async ValueTask<Serving> ResolveAsync(string? clientId, CancellationToken cancellationToken)
    {
        var model = await production.GetAsync(cancellationToken);
        var running = await experiments.GetAsync(cancellationToken);
        // Only one experiment per unit kind may run; if both kinds run, the older one decides.
        return new Serving(model?.Version.Version, running.Count > 0 ? running[0] : null, string.IsNullOrWhiteSpace(clientId) ? AnonymousClient : clientId);
    }

    /// <summary>The unit key of callers without an authenticated client id.</summary>
    public const string AnonymousClient = "anonymous";

    /// <summary>
    /// The served rows matching the filters, one per player-game: read in one query over every model version that
    /// may serve, then reduced in memory to each unit's variant. For client experiments, rows first served to a
    /// client are marked served.
    /// </summary>
    private async Task<IReadOnlyList<PredictionView>> LoadServedAsync(Serving serving, DateOnly? date, IReadOnlyList<string>? gameIds, int? playerId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var versions = serving.CandidateVersions;
        if (gameIds is [var onlyGame] && playerId is { } onlyPlayer && date is null)
        {
            // The single-prediction read: the few rows of one player-game by the unique index, through a precompiled
            // query (one per EF model: a compiled query is bound to the model it first ran with), filtered in memory.
            var playerGameRows = PlayerGameRows.GetValue(db.Model, static _ => EF.CompileAsyncQuery(
                (NbaDbContext context, string gameId, int player) => context.Predictions.AsNoTracking().Where(p => p.GameId == gameId && p.PlayerId == player)));
            var candidates = new List<PredictionView>();
            await foreach (var row in playerGameRows(db, onlyGame, onlyPlayer).WithCancellation(cancellationToken))
            {
                if (versions.Contains(row.ModelVersion))
                {
                    candidates.Add(PredictionView.From(row));
                }
            }

            return await MarkFirstServedAsync(db, serving.SelectServed(candidates), cancellationToken);
        }

        var query = db.Predictions.AsNoTracking().Where(p => versions.Contains(p.ModelVersion));
        if (date is { } day)
        {
            query = query.Where(p => p.GameDate == day);
        }

        if (gameIds is not null)
        {
            query = gameIds.Count == 1 ? query.Where(p => p.GameId == gameIds[0]) : query.Where(p => gameIds.Contains(p.GameId));
        }

        if (playerId is { } player)
        {
            query = query.Where(p => p.PlayerId == player);
        }

        var rows = await query.OrderByDescending(p => p.GameDate).ThenBy(p => p.GameId).ThenByDescending(p => p.Home).ThenBy(p => p.PlayerId)
            .Take(ListLimit * versions.Count).ToListAsync(cancellationToken);
        var served = await MarkFirstServedAsync(db, serving.SelectServed(rows.Select(PredictionView.From)), cancellationToken);
        return served.Count > ListLimit ? served.Take(ListLimit).ToList() : served;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Microsoft.EntityFrameworkCore.Metadata.IModel, Func<NbaDbContext, string, int, IAsyncEnumerable<StoredPrediction>>> PlayerGameRows = [];

    /// <summary>Client experiments: shadow rows a client is now served become served rows.</summary>
    private static async Task<List<PredictionView>> MarkFirstServedAsync(NbaDbContext db, List<PredictionView> served, CancellationToken cancellationToken)
    {
        var firstServed = served.Where(p => !p.Served && p.ExperimentId is not null).Select(p => p.Id).ToList();
        if (firstServed.Count == 0)
        {
            return served;
        }

        await db.Predictions.Where(p => firstServed.Contains(p.Id)).ExecuteUpdateAsync(u => u.SetProperty(p => p.Served, true), cancellationToken);
        return served.Select(p => firstServed.Contains(p.Id) ? p with { Served = true } : p).ToList();
    }

    /// <summary>Which model version serves whom: the production model, or a running experiment's variants.</summary>
    public sealed record Serving(string? ProductionVersion, Experiments.ExperimentView? Experiment, string ClientKey)
    {
        public bool IsEmpty => ProductionVersion is null && Experiment is null;

        /// <summary>The models a refresh runs: every variant of the experiment (served and shadow), else the production model.</summary>
        internal IReadOnlyList<string> ModelsToRun => Experiment is { } e ? e.Variants.Select(v => v.ModelVersion).ToList() : [ProductionVersion!];

        /// <summary>Every version whose rows a read may serve: the variants and, as the fallback, the production model.</summary>
        internal List<string> CandidateVersions => [.. ModelsToRun.Concat(ProductionVersion is null ? [] : [ProductionVersion]).Distinct(StringComparer.Ordinal)];

        /// <summary>Part of every cache key: two callers with the same key are served the same rows.</summary>
        internal string CacheKey => Experiment switch
        {
            null => $"p={ProductionVersion}",
            { Unit: ExperimentUnit.Client } e => $"p={ProductionVersion};e={e.Id};v={VersionFor(0)}",
            var e => $"p={ProductionVersion};e={e.Id};v=player",
        };

        internal string? VersionFor(int playerId) => Experiment is { } e
            ? Experiments.ExperimentService.Assign(e.Id, UnitKey(e, playerId), e.Variants).ModelVersion
            : ProductionVersion;

        /// <summary>
        /// At refresh, a player unit's row is served exactly when it is that player's variant; a client unit's rows
        /// become served when some client first reads them (the refreshing client's at once).
        /// </summary>
        internal bool IsServedAtRefresh(string version, int playerId) => VersionFor(playerId) == version;

        internal List<PredictionView> SelectServed(IEnumerable<PredictionView> rows)
        {
            var chosen = new Dictionary<(string GameId, int PlayerId), int>();
            var result = new List<PredictionView>();
            foreach (var row in rows)
            {
                var rank = Rank(row);
                if (rank == int.MaxValue)
                {
                    continue;
                }

                var key = (row.GameId, row.PlayerId);
                if (!chosen.TryGetValue(key, out var at))
                {
                    chosen[key] = result.Count;
                    result.Add(row);
                }
                else if (rank < Rank(result[at]))
                {
                    result[at] = row;
                }
            }

            return result;
        }

        private string UnitKey(Experiments.ExperimentView experiment, int playerId) =>
            experiment.Unit == ExperimentUnit.Player ? playerId.ToString(CultureInfo.InvariantCulture) : ClientKey;

        /// <summary>
        /// 0: the unit's variant made under this experiment; 1: the production model's made outside experiments;
        /// 2: the production model's made under an experiment; otherwise not served.
        /// </summary>
        private int Rank(PredictionView row)
        {
            if (Experiment is { } e && row.ExperimentId == e.Id && row.ModelVersion == VersionFor(row.PlayerId))
            {
                return 0;
            }

            return row.ModelVersion != ProductionVersion ? int.MaxValue : row.ExperimentId is null ? 1 : 2;
        }
    }
}
