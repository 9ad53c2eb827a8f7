namespace NbaPredict.Ml.Data;

/// <summary>The stats the models predict. The numeric values are stable and used as array indices.</summary>
public enum StatKind
{
    Pts = 0,
    Reb = 1,
    Ast = 2,
    Fg3m = 3,
    Stl = 4,
    Blk = 5,
    Tov = 6,
    Min = 7,
}

/// <summary>Helpers for <see cref="StatKind"/>.</summary>
public static class StatKinds
{
    /// <summary>Number of predicted stats.</summary>
    public const int Count = 8;

    /// <summary>All stats in index order.</summary>
    public static IReadOnlyList<StatKind> All { get; } =
        [StatKind.Pts, StatKind.Reb, StatKind.Ast, StatKind.Fg3m, StatKind.Stl, StatKind.Blk, StatKind.Tov, StatKind.Min];

    /// <summary>
    /// The low counts (threes, steals, blocks, turnovers): mostly 0–3, so an interval's coverage moves in large
    /// steps and cannot be tuned to exactly the nominal level.
    /// </summary>
    public static bool IsLowCount(StatKind kind) => kind is StatKind.Fg3m or StatKind.Stl or StatKind.Blk or StatKind.Tov;

    /// <summary>Stats a box score counts in whole numbers (every stat but minutes, which live feeds report to the second).</summary>
    public static bool IsCount(StatKind kind) => kind is not StatKind.Min;

    /// <summary>The actual value of <paramref name="kind"/> in a box score.</summary>
    public static int Get(in PlayerGameRecord r, StatKind kind) => kind switch
    {
        StatKind.Pts => r.Pts,
        StatKind.Reb => r.Reb,
        StatKind.Ast => r.Ast,
        StatKind.Fg3m => r.Fg3m,
        StatKind.Stl => r.Stl,
        StatKind.Blk => r.Blk,
        StatKind.Tov => r.Tov,
        StatKind.Min => r.Minutes,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown stat."),
    };
}
