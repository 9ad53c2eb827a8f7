namespace NbaPredict.Ml.Features;

/// <summary>Indices of the per-game values kept for each player (the first 8 match <see cref="Data.StatKind"/>).</summary>
internal static class PV
{
    public const int Pts = 0, Reb = 1, Ast = 2, Fg3m = 3, Stl = 4, Blk = 5, Tov = 6, Min = 7;
    public const int Fga = 8, Fta = 9, Fg3a = 10, Fgm = 11, Ftm = 12, Oreb = 13, Dreb = 14, Pf = 15, Pm = 16;
    public const int Usage = 17, TeamUsage = 18, TeamMin = 19;
    public const int Count = 20;
    public const int Main = 8;
}

/// <summary>Indices of per-team-game totals.</summary>
internal static class TV
{
    public const int Pts = 0, Reb = 1, Ast = 2, Fg3m = 3, Fga = 4, Fta = 5, Tov = 6, Oreb = 7, Stl = 8, Blk = 9, Min = 10, Poss = 11;
    public const int Count = 12;
}

internal sealed class PlayerState
{
    public const int Window = 20;

    public readonly float[] Ring = new float[Window * PV.Count];
    public readonly int[] RingDay = new int[Window];
    public int RingCount;
    public int Head; // next write slot

    public readonly double[] SeasonSum = new double[PV.Count];
    public readonly double[] SeasonSq = new double[PV.Main];
    public int SeasonGames;
    public int SeasonKey = int.MinValue;
    public readonly double[] PrevSeasonSum = new double[PV.Count];
    public int PrevSeasonGames;

    public readonly double[] Ewma = new double[PV.Main];
    public double EwmaMinFast;
    public int CareerGames;
    public int LastDay = int.MinValue;
    public int TeamIdx = -1;
    public int GamesWithTeamSeason;

    /// <summary>Value of the j-th most recent game (j = 0 is the latest).</summary>
    public float Get(int j, int v) => Ring[(((Head - 1 - j) % Window + Window) % Window * PV.Count) + v];

    public int DayOf(int j) => RingDay[((Head - 1 - j) % Window + Window) % Window];

    public void Push(ReadOnlySpan<float> values, int day)
    {
        values.CopyTo(Ring.AsSpan(Head * PV.Count, PV.Count));
        RingDay[Head] = day;
        Head = (Head + 1) % Window;
        if (RingCount < Window)
        {
            RingCount++;
        }
    }
}

internal sealed class TeamGame
{
    public int Day;
    public int SeasonKey;
    public readonly float[] For = new float[TV.Count];
    public readonly float[] Against = new float[TV.Count];
    public int[] PlayerIds = [];
    public int[] Minutes = [];

    /// <summary>Per player (same order as <see cref="PlayerIds"/>): pts, reb, ast, usage (FGA + 0.44·FTA + TOV).</summary>
    public float[] Vals = [];

    public const int ValCount = 4;

    public int IndexOf(int playerId) => Array.IndexOf(PlayerIds, playerId);

    public int MinutesOf(int playerId)
    {
        var ids = PlayerIds;
        for (var i = 0; i < ids.Length; i++)
        {
            if (ids[i] == playerId)
            {
                return Minutes[i];
            }
        }

        return -1;
    }

    public bool Contains(int playerId) => Array.IndexOf(PlayerIds, playerId) >= 0;
}

internal sealed class TeamState
{
    public readonly List<TeamGame> Games = [];
    public int SeasonKey = int.MinValue;
    public int SeasonStart; // index in Games of the first game of SeasonKey

    public int SeasonGames => Games.Count - SeasonStart;

    public TeamGame? Last => Games.Count > 0 ? Games[^1] : null;
}
