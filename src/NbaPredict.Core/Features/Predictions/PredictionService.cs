using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;
using NbaPredict.Ml.Features;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Core.Features.Predictions;

/// <summary>Someone who is expected to play in a game, with the side they play on.</summary>
public readonly record struct SlateEntry(string GameId, int PlayerId, int TeamId, int OpponentTeamId, bool Home, DateOnly Date);

/// <summary>
/// The one place predictions are made and stored. Every caller (GraphQL, REST, workers) goes through it, so
/// every served prediction records its model version, feature schema, inputs hash and time.
/// </summary>
public sealed class PredictionService(
    IDbContextFactory<NbaDbContext> contexts,
    HistoryLoader history,
    ProductionModel production,
    LiveFeatureStore live,
    Events.IEventBus events,
    TimeProvider time)
{
    /// <summary>How many of a team's recent games define its expected roster for a game not yet played.</summary>
    public const int RosterLookbackGames = 3;

    /// <summary>
    /// Predicts every expected player-game on <paramref name="date"/> with the production model, from history
    /// strictly before that date, and stores the predictions (replacing earlier ones of the same model).
    /// </summary>
    public async Task<IReadOnlyList<PredictionView>> RefreshAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var model = await production.GetAsync(cancellationToken)
            ?? throw new DomainException("NO_MODEL_YET", "no production model yet: predictions appear once the first model is trained and promoted");
        var slate = await GetSlateAsync(date, cancellationToken);
        if (slate.Count == 0)
        {
            throw new DomainException("NO_GAMES", $"there are no games on {date:yyyy-MM-dd}");
        }

        var prior = await history.LoadAsync(before: date, cancellationToken);
        var (store, _) = await Task.Run(() => FeatureStore.BuildHistorical(prior), cancellationToken);
        var predictions = Predict(model, store, slate);
        await StoreAsync(predictions, model.Version.Version, date, cancellationToken);
        // The saved entities carry their ids, so the answer needs no second read (and cannot pick up a model
        // promoted in the meantime); same order as ListAsync.
        var stored = predictions.Select(PredictionView.From)
            .OrderBy(p => p.GameId, StringComparer.Ordinal).ThenByDescending(p => p.Home).ThenBy(p => p.PlayerId)
            .ToList();
        await PublishAsync(stored, cancellationToken);
        return stored;
    }

    /// <summary>
    /// A what-if: the player's line against <paramref name="opponentCode"/> on <paramref name="date"/>, home or away,
    /// from history strictly before that date. Not stored: no such game exists to score it against.
    /// </summary>
    public async Task<WhatIfPrediction> PredictWhatIfAsync(int playerId, string opponentCode, bool home, DateOnly date, CancellationToken cancellationToken = default)
    {
        var model = await production.GetAsync(cancellationToken)
            ?? throw new DomainException("NO_MODEL_YET", "no production model yet: predictions appear once the first model is trained and promoted");
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

        var query = new PlayerGameQuery(playerId, NbaTeams.CodeOf(teamId), opponent.Abbreviation, home, date);
        var stats = new StatPrediction[model.Bundle.Stats.Count];
        var features = new float[FeatureSchema.Count];
        var predicted = await live.UseAsync(date, store =>
        {
            store.Featurize(query, features);
            return features;
        }, cancellationToken);
        if (predicted is null)
        {
            var prior = await history.LoadAsync(before: date, cancellationToken);
            var (store, _) = await Task.Run(() => FeatureStore.BuildHistorical(prior), cancellationToken);
            store.Featurize(query, features);
        }

        using (StartInference("predict what-if", model, rows: 1))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            model.Bundle.Predict(features, stats);
            RecordInference("whatif", started, rows: 1);
        }

        return new WhatIfPrediction(playerId, teamId, opponent.Id, home, date, model.Version.Version, PredictionStats.Parse(PredictionStats.Serialize(stats)));
    }

    /// <summary>Stored predictions of the production model (or, before one exists, none) matching the filters.</summary>
    public async Task<IReadOnlyList<PredictionView>> ListAsync(DateOnly? date, string? gameId, int? playerId, CancellationToken cancellationToken = default)
    {
        var model = await production.GetAsync(cancellationToken);
        if (model is null)
        {
            return [];
        }

        await using var db = contexts.CreateDbContext();
        var version = model.Version.Version;
        var query = db.Predictions.AsNoTracking().Where(p => p.ModelVersion == version);
        if (date is { } day)
        {
            query = query.Where(p => p.GameDate == day);
        }

        if (gameId is not null)
        {
            query = query.Where(p => p.GameId == gameId);
        }

        if (playerId is { } player)
        {
            query = query.Where(p => p.PlayerId == player);
        }

        var rows = await query.OrderByDescending(p => p.GameDate).ThenBy(p => p.GameId).ThenByDescending(p => p.Home).ThenBy(p => p.PlayerId)
            .Take(5_000).ToListAsync(cancellationToken);
        return rows.Select(PredictionView.From).ToList();
    }

    /// <summary>
    /// Predictions for a date, computing and storing them first when the production model has none for it yet.
    /// </summary>
    public async Task<IReadOnlyList<PredictionView>> GetOrRefreshAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var stored = await ListAsync(date, null, null, cancellationToken);
        if (stored.Count > 0 || production.Current is null)
        {
            return stored;
        }

        try
        {
            return await RefreshAsync(date, cancellationToken);
        }
        catch (DomainException ex) when (ex.Code == "NO_GAMES")
        {
            return [];
        }
    }

    /// <summary>Stored predictions of the production model for several games at once (for DataLoaders).</summary>
    public async Task<ILookup<string, PredictionView>> GetByGamesAsync(IReadOnlyList<string> gameIds, CancellationToken cancellationToken = default)
    {
        var model = await production.GetAsync(cancellationToken);
        if (model is null)
        {
            return Array.Empty<PredictionView>().ToLookup(p => p.GameId, StringComparer.Ordinal);
        }

        await using var db = contexts.CreateDbContext();
        var version = model.Version.Version;
        var rows = await db.Predictions.AsNoTracking()
            .Where(p => p.ModelVersion == version && gameIds.Contains(p.GameId))
            .OrderBy(p => p.GameId).ThenByDescending(p => p.Home).ThenBy(p => p.PlayerId)
            .ToListAsync(cancellationToken);
        return rows.Select(PredictionView.From).ToLookup(p => p.GameId, StringComparer.Ordinal);
    }

    public async Task<IDictionary<long, PredictionView>> GetManyAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.Predictions.AsNoTracking().Where(p => ids.Contains(p.Id)).ToListAsync(cancellationToken);
        return rows.ToDictionary(p => p.Id, PredictionView.From);
    }

    /// <summary>
    /// The player-games expected on a date: the box score for games already played (minutes &gt; 0), otherwise each
    /// team's players from its last <see cref="RosterLookbackGames"/> games.
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
        var slate = new List<SlateEntry>(played);
        var playedGames = played.Select(p => p.GameId).ToHashSet(StringComparer.Ordinal);
        foreach (var game in games.Where(g => !playedGames.Contains(g.Id)))
        {
            foreach (var (team, opponent, home) in new[] { (game.HomeTeamId, game.AwayTeamId, true), (game.AwayTeamId, game.HomeTeamId, false) })
            {
                var recentGames = await db.PlayerGames.AsNoTracking()
                    .Where(pg => pg.TeamId == team && pg.GameDate < date)
                    .Select(pg => pg.GameId).Distinct().OrderByDescending(id => id).Take(RosterLookbackGames)
                    .ToListAsync(cancellationToken);
                var roster = await db.PlayerGames.AsNoTracking()
                    .Where(pg => recentGames.Contains(pg.GameId) && pg.TeamId == team && pg.Minutes > 0)
                    .Select(pg => pg.PlayerId).Distinct().ToListAsync(cancellationToken);
                slate.AddRange(roster.Select(player => new SlateEntry(game.Id, player, team, opponent, home, date)));
            }
        }

        return slate;
    }

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

    private List<StoredPrediction> Predict(LoadedModel model, FeatureStore store, IReadOnlyList<SlateEntry> slate)
    {
        using var activity = StartInference("predict slate", model, slate.Count);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        var features = new float[FeatureSchema.Count];
        var stats = new StatPrediction[model.Bundle.Stats.Count];
        var result = new List<StoredPrediction>(slate.Count);
        foreach (var entry in slate)
        {
            var query = new PlayerGameQuery(entry.PlayerId, NbaTeams.CodeOf(entry.TeamId), NbaTeams.CodeOf(entry.OpponentTeamId), entry.Home, entry.Date);
            store.Featurize(query, features);
            model.Bundle.Predict(features, stats);
            result.Add(new StoredPrediction
            {
                GameId = entry.GameId,
                PlayerId = entry.PlayerId,
                TeamId = entry.TeamId,
                OpponentTeamId = entry.OpponentTeamId,
                Home = entry.Home,
                GameDate = entry.Date,
                ModelVersion = model.Version.Version,
                FeatureSchemaVersion = model.Version.FeatureSchemaVersion,
                InputsHash = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(features.AsSpan()))),
                CreatedAt = now,
                StatsJson = PredictionStats.Serialize(stats),
            });
        }

        RecordInference("slate", started, slate.Count);
        return result;
    }

    private async Task StoreAsync(List<StoredPrediction> predictions, string modelVersion, DateOnly date, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Predictions.Where(p => p.GameDate == date && p.ModelVersion == modelVersion).ExecuteDeleteAsync(ct);
            db.Predictions.AddRange(predictions);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
    }
}
