namespace NbaPredict.Core.Import;

/// <summary>One validated row of the box-score CSV format (see shared/data/nba/README.md).</summary>
public sealed record BoxScoreRow
{
    public required int Line { get; init; }
    public required string GameId { get; init; }
    public required DateOnly GameDate { get; init; }
    public required string Season { get; init; }
    public required string SeasonType { get; init; }
    public required int PlayerId { get; init; }
    public required string PlayerName { get; init; }
    public required int TeamId { get; init; }
    public required int OpponentTeamId { get; init; }
    public required bool Home { get; init; }
    public bool? Starter { get; init; }
    public int Minutes { get; init; }
    public int Pts { get; init; }
    public int Reb { get; init; }
    public int Oreb { get; init; }
    public int Dreb { get; init; }
    public int Ast { get; init; }
    public int Stl { get; init; }
    public int Blk { get; init; }
    public int Tov { get; init; }
    public int Pf { get; init; }
    public int Fgm { get; init; }
    public int Fga { get; init; }
    public int Fg3m { get; init; }
    public int Fg3a { get; init; }
    public int Ftm { get; init; }
    public int Fta { get; init; }
    public int PlusMinus { get; init; }
}

/// <summary>A rejected row: which file, which line (1-based, the header is line 1) and why.</summary>
public sealed record RowError(string File, int Line, string Reason)
{
    public override string ToString() => $"{File}:{Line}: {Reason}";
}

public sealed record ParsedFile(string FileName, IReadOnlyList<BoxScoreRow> Rows, IReadOnlyList<RowError> Errors, int DataRowCount, string? FileError)
{
    public double InvalidShare => DataRowCount == 0 ? 0 : (double)Errors.Count / DataRowCount;
}
