using NbaPredict.Ml.Data;

namespace NbaPredict.Ml.Evaluation;

/// <summary>Accuracy of one stat on a set of rows, with baselines computed on the same rows.</summary>
public sealed record StatMetrics
{
    /// <summary>The stat.</summary>
    public StatKind Stat { get; init; }

    /// <summary>Rows evaluated.</summary>
    public int Rows { get; init; }

    /// <summary>Mean absolute error of the model.</summary>
    public double Mae { get; init; }

    /// <summary>Root mean squared error.</summary>
    public double Rmse { get; init; }

    /// <summary>Coefficient of determination.</summary>
    public double R2 { get; init; }

    /// <summary>Mean of (prediction − actual).</summary>
    public double Bias { get; init; }

    /// <summary>MAE of the season-to-date mean (last played season early on).</summary>
    public double BaselineSeasonMae { get; init; }

    /// <summary>MAE of the mean of the player's last 10 games.</summary>
    public double BaselineLast10Mae { get; init; }

    /// <summary>MAE of the player's EWMA.</summary>
    public double BaselineEwmaMae { get; init; }

    /// <summary>
    /// MAE of the last-10 mean rounded to a whole number, for counted stats (minutes unrounded). Shows how much of the
    /// model's edge comes from predicting whole numbers, which absolute error rewards for any predictor (ADR 0023).
    /// </summary>
    public double BaselineLast10RoundedMae { get; init; }

    /// <summary>100·(1 − MAE / rounded last-10 MAE).</summary>
    public double ImprovementVsLast10RoundedPct => ImprovementPct(Mae, BaselineLast10RoundedMae);

    /// <summary>100·(1 − MAE / last-10 MAE).</summary>
    public double ImprovementVsLast10Pct => ImprovementPct(Mae, BaselineLast10Mae);

    /// <summary>How much lower <paramref name="mae"/> is than a baseline's MAE, in percent of it (0 without a baseline).</summary>
    public static double ImprovementPct(double mae, double baselineMae) => baselineMae > 0 ? 100 * (1 - (mae / baselineMae)) : 0;

    /// <summary>Share of actuals inside the 80% interval (inclusive).</summary>
    public double Coverage80 { get; init; }

    /// <summary>Share of actuals inside the 95% interval (inclusive).</summary>
    public double Coverage95 { get; init; }

    /// <summary>Mean width of the 80% interval.</summary>
    public double MeanWidth80 { get; init; }

    /// <summary>Mean width of the 95% interval.</summary>
    public double MeanWidth95 { get; init; }

    /// <summary>Share of predictions within ±2 of the actual.</summary>
    public double Within2 { get; init; }

    /// <summary>Share within ±5.</summary>
    public double Within5 { get; init; }

    /// <summary>Share within ±10.</summary>
    public double Within10 { get; init; }
}

/// <summary>Streaming accumulator for <see cref="StatMetrics"/> (no per-row allocation).</summary>
public sealed class MetricsAccumulator(StatKind stat)
{
    private long _n;
    private double _ae, _se, _bias, _sy, _syy, _aeSeason, _aeLast10, _aeLast10Rounded, _aeEwma, _cov80, _cov95, _w80, _w95, _in2, _in5, _in10;

    /// <summary>Adds one row. Interval bounds may be NaN when the model has no intervals.</summary>
    public void Add(double actual, double predicted, double lo80, double hi80, double lo95, double hi95, double baseSeason, double baseLast10, double baseEwma)
    {
        _n++;
        var e = predicted - actual;
        _ae += Math.Abs(e);
        _se += e * e;
        _bias += e;
        _sy += actual;
        _syy += actual * actual;
        _aeSeason += Math.Abs(baseSeason - actual);
        _aeLast10 += Math.Abs(baseLast10 - actual);
        _aeLast10Rounded += Math.Abs((StatKinds.IsCount(stat) ? Math.Round(baseLast10, MidpointRounding.AwayFromZero) : baseLast10) - actual);
        _aeEwma += Math.Abs(baseEwma - actual);
        if (actual >= lo80 && actual <= hi80)
        {
            _cov80++;
        }

        if (actual >= lo95 && actual <= hi95)
        {
            _cov95++;
        }

        _w80 += hi80 - lo80;
        _w95 += hi95 - lo95;
        var a = Math.Abs(e);
        _in2 += a <= 2 ? 1 : 0;
        _in5 += a <= 5 ? 1 : 0;
        _in10 += a <= 10 ? 1 : 0;
    }

    /// <summary>The metrics so far.</summary>
    public StatMetrics Build()
    {
        var n = Math.Max(_n, 1);
        var mean = _sy / n;
        var sst = _syy - (n * mean * mean);
        return new StatMetrics
        {
            Stat = stat,
            Rows = (int)_n,
            Mae = _ae / n,
            Rmse = Math.Sqrt(_se / n),
            R2 = sst > 0 ? 1 - (_se / sst) : 0,
            Bias = _bias / n,
            BaselineSeasonMae = _aeSeason / n,
            BaselineLast10Mae = _aeLast10 / n,
            BaselineLast10RoundedMae = _aeLast10Rounded / n,
            BaselineEwmaMae = _aeEwma / n,
            Coverage80 = _cov80 / n,
            Coverage95 = _cov95 / n,
            MeanWidth80 = _w80 / n,
            MeanWidth95 = _w95 / n,
            Within2 = _in2 / n,
            Within5 = _in5 / n,
            Within10 = _in10 / n,
        };
    }
}
