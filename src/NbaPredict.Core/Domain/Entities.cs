namespace NbaPredict.Core.Domain;

public sealed class Team
{
    public int Id { get; set; }
    public required string Abbreviation { get; set; }
    public required string Name { get; set; }
    public required string City { get; set; }
    public required string Conference { get; set; }
}

public sealed class Season
{
    /// <summary>Season label as NBA.com writes it, e.g. <c>2019-20</c>.</summary>
    public required string Id { get; set; }
    public int StartYear { get; set; }
    public DateOnly? FirstGameDate { get; set; }
    public DateOnly? LastGameDate { get; set; }
    public int GameCount { get; set; }
}

public sealed class Player
{
    /// <summary>NBA.com person id; stable across seasons and teams, so it is the key.</summary>
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Lower-case, diacritic-free name so "jokic" finds "Nikola Jokić" on every provider.</summary>
    public required string SearchName { get; set; }
    public int? CurrentTeamId { get; set; }
    public Team? CurrentTeam { get; set; }
    public DateOnly? LastGameDate { get; set; }
}

public sealed class Game
{
    /// <summary>NBA.com game id, 10 characters with its leading zeros.</summary>
    public required string Id { get; set; }
    public DateOnly Date { get; set; }
    public required string SeasonId { get; set; }
    public required string SeasonType { get; set; }
    public int HomeTeamId { get; set; }
    public int AwayTeamId { get; set; }
    public int HomeScore { get; set; }
    public int AwayScore { get; set; }
    public Team? HomeTeam { get; set; }
    public Team? AwayTeam { get; set; }
}

/// <summary>One player's box score in one game: every column of the bundled CSV format.</summary>
public sealed class PlayerGame
{
    public required string GameId { get; set; }
    public int PlayerId { get; set; }
    public DateOnly GameDate { get; set; }
    public required string SeasonId { get; set; }
    public int TeamId { get; set; }
    public int OpponentTeamId { get; set; }
    public bool Home { get; set; }
    public bool? Starter { get; set; }
    public int Minutes { get; set; }
    public int Pts { get; set; }
    public int Reb { get; set; }
    public int Oreb { get; set; }
    public int Dreb { get; set; }
    public int Ast { get; set; }
    public int Stl { get; set; }
    public int Blk { get; set; }
    public int Tov { get; set; }
    public int Pf { get; set; }
    public int Fgm { get; set; }
    public int Fga { get; set; }
    public int Fg3m { get; set; }
    public int Fg3a { get; set; }
    public int Ftm { get; set; }
    public int Fta { get; set; }
    public int PlusMinus { get; set; }
    public Game? Game { get; set; }
    public Player? Player { get; set; }
}

/// <summary>Remembers which bundled files were imported, so a restart does not re-read unchanged data.</summary>
public sealed class ImportedFile
{
    public required string FileName { get; set; }
    public required string Sha256 { get; set; }
    public DateTimeOffset ImportedAt { get; set; }
    public int RowCount { get; set; }
}
