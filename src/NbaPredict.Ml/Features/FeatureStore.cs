using NbaPredict.Ml.Data;

namespace NbaPredict.Ml.Features;

/// <summary>A game to featurize: who plays for whom, against whom, where and when.</summary>
public readonly record struct PlayerGameQuery(int PlayerId, string TeamCode, string OpponentCode, bool Home, DateOnly Date)
{
    /// <summary>The query describing an already played game.</summary>
    public static PlayerGameQuery From(in PlayerGameRecord r) => new(r.PlayerId, r.TeamCode, r.OpponentCode, r.Home, r.Date);
}

/// <summary>
/// Point-in-time feature engine. Ingests whole days of box scores in strictly increasing date order
/// and featurizes games of a later day using only what was ingested before (no leakage by construction:
/// a day's rows are featurized before that day is ingested).
/// Not thread-safe (uses scratch buffers); use one instance per thread.
/// </summary>
public sealed partial class FeatureStore
{
    private const int RecentTeamGames = 10;
    private const int AbsenceLookback = 40;
    private const double LeagueAlpha = 0.005;
    private const double PriorAlpha = 0.01;

    private readonly Dictionary<int, PlayerState> _players = [];
    private readonly Dictionary<string, int> _teamIndex = new(StringComparer.Ordinal);
    private readonly List<TeamState> _teams = [];
    private readonly Dictionary<int, int> _seasonStartDay = [];

    // League running references (EMA over team-games).
    private readonly double[] _leagueTeam = [106, 44, 24, 11, 87, 22, 14, 10, 8, 5, 241, 100];

    // Newcomer priors (EMA over rows of players with < 5 career games).
    private readonly double[] _prior = [5.0, 2.5, 1.2, 0.5, 0.4, 0.3, 0.7, 13.0];

    // League per-minute rates (EMA over rows with minutes > 0), for shrinkage.
    private readonly double[] _leagueRate = [0.47, 0.2, 0.11, 0.05, 0.035, 0.022, 0.06, 1.0];
    private double _leagueFgPct = 0.46, _leagueFg3Pct = 0.36, _leagueFtPct = 0.77;

    // Scratch for rotation analysis.
    private readonly int[] _scrIds = new int[128];
    private readonly int[] _scrCnt = new int[128];
    private readonly float[] _scrMin = new float[128];
    private readonly float[] _scrUsage = new float[128];
    private readonly int[] _absent = new int[16];

    // Players known to miss the game being featurized (see Featurize with `unavailable`); count -1 = no list given.
    private readonly int[] _unavailable = new int[MaxUnavailable];
    private int _unavailableCount = -1;

    /// <summary>Most players one query may name as unavailable.</summary>
    public const int MaxUnavailable = 32;
    private readonly float[] _vals = new float[PV.Count];

    /// <summary>Day number (<see cref="DateOnly.DayNumber"/>) of the last ingested day, or int.MinValue.</summary>
    public int LastIngestedDay { get; private set; } = int.MinValue;

    /// <summary>Date of the last ingested day, or null when nothing has been ingested.</summary>
    public DateOnly? LastIngestedDate => LastIngestedDay == int.MinValue ? null : DateOnly.FromDayNumber(LastIngestedDay);

    /// <summary>Number of distinct players seen.</summary>
    public int PlayerCount => _players.Count;

    /// <summary>Season key of a date: the calendar year in which the season started.</summary>
    public static int SeasonKeyOf(DateOnly d) => d.Month >= 8 ? d.Year : d.Year - 1;

    /// <summary>Number of previous games of a player (0 when unknown).</summary>
    public int CareerGames(int playerId) => _players.TryGetValue(playerId, out var p) ? p.CareerGames : 0;

    /// <summary>
    /// Ingests all box scores of one day. Every record must have the same date, strictly after <see cref="LastIngestedDate"/>.
    /// </summary>
    public void IngestDay(ReadOnlySpan<PlayerGameRecord> day)
    {
        if (day.IsEmpty)
        {
            return;
        }

        var dayNo = day[0].Date.DayNumber;
        if (dayNo <= LastIngestedDay)
        {
            throw new InvalidOperationException($"Days must be ingested in increasing order: {day[0].Date:yyyy-MM-dd} is not after {LastIngestedDate:yyyy-MM-dd}.");
        }

        foreach (var r in day)
        {
            if (r.Date.DayNumber != dayNo)
            {
                throw new ArgumentException("All records of a day must share the same date.", nameof(day));
            }
        }

        var season = SeasonKeyOf(day[0].Date);
        _seasonStartDay.TryAdd(season, dayNo);

        // Group by (game, team): order indices so that rows of one team-game are contiguous.
        var order = new int[day.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var arr = day.ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = string.CompareOrdinal(arr[a].GameId, arr[b].GameId);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(arr[a].TeamCode, arr[b].TeamCode);
            return c != 0 ? c : arr[a].PlayerId.CompareTo(arr[b].PlayerId); // input order never matters
        });

        // Build team games.
        var groups = new List<(int Start, int End, TeamGame Game, int Team)>();
        var s = 0;
        while (s < order.Length)
        {
            var e = s + 1;
            while (e < order.Length && arr[order[e]].GameId == arr[order[s]].GameId && arr[order[e]].TeamCode == arr[order[s]].TeamCode)
            {
                e++;
            }

            var tg = new TeamGame { Day = dayNo, SeasonKey = season, PlayerIds = new int[e - s], Minutes = new int[e - s], Vals = new float[(e - s) * TeamGame.ValCount] };
            for (var k = s; k < e; k++)
            {
                ref readonly var r = ref arr[order[k]];
                tg.PlayerIds[k - s] = r.PlayerId;
                tg.Minutes[k - s] = r.Minutes;
                var vo = (k - s) * TeamGame.ValCount;
                tg.Vals[vo] = r.Pts;
                tg.Vals[vo + 1] = r.Reb;
                tg.Vals[vo + 2] = r.Ast;
                tg.Vals[vo + 3] = r.Fga + (0.44f * r.Fta) + r.Tov;
                var f = tg.For;
                f[TV.Pts] += r.Pts;
                f[TV.Reb] += r.Reb;
                f[TV.Ast] += r.Ast;
                f[TV.Fg3m] += r.Fg3m;
                f[TV.Fga] += r.Fga;
                f[TV.Fta] += r.Fta;
                f[TV.Tov] += r.Tov;
                f[TV.Oreb] += r.Oreb;
                f[TV.Stl] += r.Stl;
                f[TV.Blk] += r.Blk;
                f[TV.Min] += r.Minutes;
            }

            tg.For[TV.Poss] = tg.For[TV.Fga] + (0.44f * tg.For[TV.Fta]) - tg.For[TV.Oreb] + tg.For[TV.Tov];
            groups.Add((s, e, tg, TeamIdx(arr[order[s]].TeamCode)));
            s = e;
        }

        // Opponent totals: the other team of the same game.
        for (var g = 0; g < groups.Count; g++)
        {
            var gameId = arr[order[groups[g].Start]].GameId;
            for (var h = 0; h < groups.Count; h++)
            {
                if (h != g && arr[order[groups[h].Start]].GameId == gameId)
                {
                    groups[h].Game.For.CopyTo(groups[g].Game.Against, 0);
                }
            }
        }

        foreach (var (start, end, tg, team) in groups)
        {
            var ts = _teams[team];
            if (ts.SeasonKey != season)
            {
                ts.SeasonKey = season;
                ts.SeasonStart = ts.Games.Count;
            }

            ts.Games.Add(tg);
            UpdateLeague(tg.For);
            var teamUsage = tg.For[TV.Fga] + (0.44f * tg.For[TV.Fta]) + tg.For[TV.Tov];
            for (var k = start; k < end; k++)
            {
                IngestPlayer(in arr[order[k]], team, season, dayNo, teamUsage, tg.For[TV.Min]);
            }
        }

        LastIngestedDay = dayNo;
    }

    private void UpdateLeague(float[] f)
    {
        for (var i = 0; i < TV.Count; i++)
        {
            _leagueTeam[i] += LeagueAlpha * (f[i] - _leagueTeam[i]);
        }
    }

    private int TeamIdx(string code)
    {
        if (!_teamIndex.TryGetValue(code, out var idx))
        {
            idx = _teams.Count;
            _teams.Add(new TeamState());
            _teamIndex[code] = idx;
        }

        return idx;
    }

    private void IngestPlayer(in PlayerGameRecord r, int team, int season, int dayNo, float teamUsage, float teamMin)
    {
        if (!_players.TryGetValue(r.PlayerId, out var p))
        {
            p = new PlayerState();
            _players[r.PlayerId] = p;
        }

        var v = _vals;
        v[PV.Pts] = r.Pts;
        v[PV.Reb] = r.Reb;
        v[PV.Ast] = r.Ast;
        v[PV.Fg3m] = r.Fg3m;
        v[PV.Stl] = r.Stl;
        v[PV.Blk] = r.Blk;
        v[PV.Tov] = r.Tov;
        v[PV.Min] = r.Minutes;
        v[PV.Fga] = r.Fga;
        v[PV.Fta] = r.Fta;
        v[PV.Fg3a] = r.Fg3a;
        v[PV.Fgm] = r.Fgm;
        v[PV.Ftm] = r.Ftm;
        v[PV.Oreb] = r.Oreb;
        v[PV.Dreb] = r.Dreb;
        v[PV.Pf] = r.Pf;
        v[PV.Pm] = r.PlusMinus;
        v[PV.Usage] = r.Fga + (0.44f * r.Fta) + r.Tov;
        v[PV.TeamUsage] = teamUsage;
        v[PV.TeamMin] = teamMin;

        if (p.CareerGames < 5)
        {
            for (var k = 0; k < PV.Main; k++)
            {
                _prior[k] += PriorAlpha * (v[k] - _prior[k]);
            }
        }

        if (r.Minutes > 0)
        {
            var a = 0.0005;
            for (var k = 0; k < PV.Main - 1; k++)
            {
                _leagueRate[k] += a * ((v[k] / r.Minutes) - _leagueRate[k]);
            }

            if (r.Fga > 0)
            {
                _leagueFgPct += a * (((double)r.Fgm / r.Fga) - _leagueFgPct);
            }

            if (r.Fg3a > 0)
            {
                _leagueFg3Pct += a * (((double)r.Fg3m / r.Fg3a) - _leagueFg3Pct);
            }

            if (r.Fta > 0)
            {
                _leagueFtPct += a * (((double)r.Ftm / r.Fta) - _leagueFtPct);
            }
        }

        if (p.SeasonKey != season)
        {
            if (p.SeasonGames > 0)
            {
                Array.Copy(p.SeasonSum, p.PrevSeasonSum, PV.Count);
                p.PrevSeasonGames = p.SeasonGames;
            }

            Array.Clear(p.SeasonSum);
            Array.Clear(p.SeasonSq);
            p.SeasonGames = 0;
            p.SeasonKey = season;
            p.GamesWithTeamSeason = 0;
        }

        if (p.TeamIdx != team)
        {
            p.GamesWithTeamSeason = 0;
            p.TeamIdx = team;
        }

        for (var k = 0; k < PV.Count; k++)
        {
            p.SeasonSum[k] += v[k];
        }

        for (var k = 0; k < PV.Main; k++)
        {
            p.SeasonSq[k] += (double)v[k] * v[k];
        }

        if (p.CareerGames == 0)
        {
            for (var k = 0; k < PV.Main; k++)
            {
                p.Ewma[k] = v[k];
            }

            p.EwmaMinFast = v[PV.Min];
        }
        else
        {
            for (var k = 0; k < PV.Main; k++)
            {
                p.Ewma[k] += EwmaAlpha * (v[k] - p.Ewma[k]);
            }

            p.EwmaMinFast += 0.4 * (v[PV.Min] - p.EwmaMinFast);
        }

        p.SeasonGames++;
        p.GamesWithTeamSeason++;
        p.CareerGames++;
        p.LastDay = dayNo;
        p.Push(v, dayNo);
    }

    private const double EwmaAlpha = 0.15;
}
