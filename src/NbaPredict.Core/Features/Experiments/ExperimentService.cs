using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NbaPredict.Core.Data;
using NbaPredict.Core.Domain;

namespace NbaPredict.Core.Features.Experiments;

public sealed record ExperimentVariant(string ModelVersion, int Weight);

public sealed record ExperimentView(
    int Id,
    string Name,
    ExperimentUnit Unit,
    ExperimentStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? StoppedAt,
    IReadOnlyList<ExperimentVariant> Variants,
    DateTimeOffset? ConcludedAt = null,
    string? WinnerModelVersion = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ExperimentView From(Experiment e) => new(e.Id, e.Name, e.Unit, e.Status, e.CreatedAt, e.StartedAt, e.StoppedAt,
        JsonSerializer.Deserialize<ExperimentVariant[]>(e.VariantsJson, Json) ?? [], e.ConcludedAt, e.WinnerModelVersion);

    public static string Serialize(IReadOnlyList<ExperimentVariant> variants) => JsonSerializer.Serialize(variants, Json);
}

/// <summary>
/// A/B experiments between registered model versions: creation with validated variants, the draft → running →
/// stopped → concluded lifecycle, deterministic sticky assignment, and results computed from stored predictions
/// joined to real results. Only one running experiment may claim a unit kind.
/// </summary>
public sealed class ExperimentService(
    IDbContextFactory<NbaDbContext> contexts,
    TimeProvider time,
    RunningExperiments running,
    Predictions.PredictionCache cache,
    Models.ModelRegistryService registry,
    Events.IEventBus events,
    Microsoft.Extensions.Configuration.IConfiguration configuration)
{
    public const int MaxVariants = 10;

    /// <summary>Configuration key of the minimum number of paired, scored player-games before a winner is declared.</summary>
    public const string MinimumSampleSizeKey = "Experiments:MinimumSampleSize";

    public const int DefaultMinimumSampleSize = 200;

    public int MinimumSampleSize => int.TryParse(configuration[MinimumSampleSizeKey], out var configured) && configured > 0 ? configured : DefaultMinimumSampleSize;

    /// <summary>
    /// Per-variant predictions served, MAE, per-stat MAE and 80% coverage, and the paired significance test, computed
    /// from the experiment's stored predictions joined to real results. Cached until results, models or experiments change.
    /// </summary>
    public async Task<ExperimentResult> GetResultAsync(int id, CancellationToken cancellationToken = default)
    {
        var experiment = await GetAsync(id, cancellationToken) ?? throw NotFound(id);
        return await cache.GetOrCreateAsync(
            "experimentResults",
            $"experiment-result:{id}:{MinimumSampleSize}",
            (Service: this, Experiment: experiment),
            static async (s, ct) => await s.Service.ComputeResultAsync(s.Experiment, ct),
            cancellationToken);
    }

    /// <summary>Results of several experiments (for DataLoaders); each comes from the cache when it can.</summary>
    public async Task<IDictionary<int, ExperimentResult>> GetResultsAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken = default)
    {
        var results = new Dictionary<int, ExperimentResult>(ids.Count);
        foreach (var id in ids)
        {
            results[id] = await GetResultAsync(id, cancellationToken);
        }

        return results;
    }

    /// <summary>
    /// Concludes a running or stopped experiment, recording the winner if the test found one; with
    /// <paramref name="promoteWinner"/>, the winner becomes the production model (an error when there is none).
    /// </summary>
    public async Task<ExperimentView> ConcludeAsync(int id, bool promoteWinner, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(id, cancellationToken) ?? throw NotFound(id);
        if (current.Status is not (ExperimentStatus.Running or ExperimentStatus.Stopped))
        {
            throw new DomainException("INVALID_TRANSITION", $"experiment {id} is {current.Status.ToString().ToLowerInvariant()}; only a running or stopped experiment can be concluded");
        }

        var result = await ComputeResultAsync(current, cancellationToken);
        if (promoteWinner && result.Winner is null)
        {
            throw new DomainException("NO_WINNER", $"experiment {id} has no winner to promote ({result.Status.ToLowerInvariant().Replace('_', ' ')}, {result.SampleSize} of at least {result.MinimumSampleSize} paired player-games)");
        }

        await using var db = contexts.CreateDbContext();
        var experiment = await FindAsync(db, id, cancellationToken);
        var now = time.GetUtcNow();
        experiment.StoppedAt ??= now;
        experiment.Status = ExperimentStatus.Concluded;
        experiment.ConcludedAt = now;
        experiment.WinnerModelVersion = result.Winner;
        await db.SaveChangesAsync(cancellationToken);
        await ChangedAsync(experiment, cancellationToken);
        if (promoteWinner)
        {
            await registry.PromoteAsync(result.Winner!, cancellationToken);
        }

        return ExperimentView.From(experiment);
    }

    private async Task<ExperimentResult> ComputeResultAsync(ExperimentView experiment, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var served = await db.Predictions.AsNoTracking().Where(p => p.ExperimentId == experiment.Id && p.Served)
            .GroupBy(p => p.ModelVersion).Select(g => new { Version = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Version, g => g.Count, StringComparer.Ordinal, cancellationToken);
        var scored = await ExperimentResultCalculator.LoadScoredAsync(db, experiment.Id, cancellationToken);
        return await Task.Run(() => ExperimentResultCalculator.Compute(experiment.Variants, served, scored, MinimumSampleSize), cancellationToken);
    }

    /// <summary>Serving sees the change at once in this process, and through the event bus on every other one.</summary>
    private async Task ChangedAsync(Experiment experiment, CancellationToken cancellationToken)
    {
        running.Invalidate();
        await cache.InvalidateAsync(cancellationToken);
        await events.PublishAsync(Events.Topics.ExperimentChanged, new { experiment.Id, Status = experiment.Status.ToString() }, cancellationToken);
    }

    private static DomainException NotFound(int id) => new("EXPERIMENT_NOT_FOUND", $"no experiment with id {id}");

    public async Task<IReadOnlyList<ExperimentView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.Experiments.AsNoTracking().OrderByDescending(e => e.Id).ToListAsync(cancellationToken);
        return rows.Select(ExperimentView.From).ToList();
    }

    public async Task<ExperimentView?> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var row = await db.Experiments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        return row is null ? null : ExperimentView.From(row);
    }

    public async Task<ExperimentView> CreateAsync(string name, ExperimentUnit unit, IReadOnlyList<ExperimentVariant> variants, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100)
        {
            throw new DomainException("INVALID_EXPERIMENT", "name must have 1 to 100 characters");
        }

        if (variants.Count is < 2 or > MaxVariants)
        {
            throw new DomainException("INVALID_EXPERIMENT", $"an experiment needs 2 to {MaxVariants} variants; got {variants.Count}");
        }

        if (variants.Any(v => v.Weight is < 1 or > 1000))
        {
            throw new DomainException("INVALID_EXPERIMENT", "every variant weight must be between 1 and 1000");
        }

        if (variants.Select(v => v.ModelVersion).Distinct(StringComparer.Ordinal).Count() != variants.Count)
        {
            throw new DomainException("INVALID_EXPERIMENT", "each model version may appear in only one variant");
        }

        await using var db = contexts.CreateDbContext();
        var requested = variants.Select(v => v.ModelVersion).ToList();
        var known = await db.ModelVersions.Where(m => requested.Contains(m.Version)).Select(m => m.Version).ToListAsync(cancellationToken);
        var missing = requested.Except(known, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new DomainException("MODEL_NOT_FOUND", $"no model version {string.Join(", ", missing.Select(m => $"'{m}'"))} in the registry");
        }

        var experiment = new Experiment
        {
            Name = name,
            Unit = unit,
            Status = ExperimentStatus.Draft,
            CreatedAt = time.GetUtcNow(),
            VariantsJson = ExperimentView.Serialize(variants),
        };
        db.Experiments.Add(experiment);
        await db.SaveChangesAsync(cancellationToken);
        return ExperimentView.From(experiment);
    }

    public async Task<ExperimentView> StartAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var strategy = db.Database.CreateExecutionStrategy();
        var started = await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var experiment = await FindAsync(db, id, ct);
            if (experiment.Status != ExperimentStatus.Draft)
            {
                throw new DomainException("INVALID_TRANSITION", $"experiment {id} is {experiment.Status.ToString().ToLowerInvariant()}; only a draft can start");
            }

            var conflict = await db.Experiments.AsNoTracking()
                .FirstOrDefaultAsync(e => e.Status == ExperimentStatus.Running && e.Unit == experiment.Unit && e.Id != id, ct);
            if (conflict is not null)
            {
                throw new DomainException("EXPERIMENT_CONFLICT", $"experiment {conflict.Id} ('{conflict.Name}') is already running on {experiment.Unit.ToString().ToLowerInvariant()} units; stop it first");
            }

            experiment.Status = ExperimentStatus.Running;
            experiment.StartedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return experiment;
        }, cancellationToken);
        await ChangedAsync(started, cancellationToken);
        return ExperimentView.From(started);
    }

    public async Task<ExperimentView> StopAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var experiment = await FindAsync(db, id, cancellationToken);
        if (experiment.Status != ExperimentStatus.Running)
        {
            throw new DomainException("INVALID_TRANSITION", $"experiment {id} is {experiment.Status.ToString().ToLowerInvariant()}; only a running experiment can stop");
        }

        experiment.Status = ExperimentStatus.Stopped;
        experiment.StoppedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await ChangedAsync(experiment, cancellationToken);
        return ExperimentView.From(experiment);
    }

    /// <summary>
    /// The variant a unit gets: a SHA-256 of experiment id and unit key mapped onto the cumulative weights, so the
    /// same unit always gets the same variant, across processes and restarts.
    /// </summary>
    public static ExperimentVariant Assign(int experimentId, string unitKey, IReadOnlyList<ExperimentVariant> variants)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{experimentId}:{unitKey}"));
        var total = variants.Sum(v => v.Weight);
        var point = (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % (ulong)total);
        foreach (var variant in variants)
        {
            if (point < variant.Weight)
            {
                return variant;
            }

            point -= variant.Weight;
        }

        return variants[^1];
    }

    private static async Task<Experiment> FindAsync(NbaDbContext db, int id, CancellationToken cancellationToken) =>
        await db.Experiments.AsTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken)
            ?? throw NotFound(id);
}
