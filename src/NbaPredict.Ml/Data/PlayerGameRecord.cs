namespace NbaPredict.Ml.Data;

/// <summary>
/// One player's box score in one game. This is the input type the rest of the system maps into.
/// Only players who appeared have a record (absence = did not play).
/// </summary>
public readonly record struct PlayerGameRecord(
    string GameId,
    DateOnly Date,
    string Season,
    int PlayerId,
    string TeamCode,
    string OpponentCode,
    bool Home,
    int Minutes,
    int Pts,
    int Reb,
    int Oreb,
    int Dreb,
    int Ast,
    int Stl,
    int Blk,
    int Tov,
    int Pf,
    int Fgm,
    int Fga,
    int Fg3m,
    int Fg3a,
    int Ftm,
    int Fta,
    int PlusMinus);
