namespace NbaPredict.Ml.Modeling;

/// <summary>
/// Fits non-negative combination weights plus an intercept minimising the mean absolute error
/// (iteratively reweighted least squares with an active set for non-negativity).
/// </summary>
internal static class L1Stacker
{
    /// <param name="preds">member predictions, preds[m][row].</param>
    /// <param name="y">actual values.</param>
    public static (double[] Weights, double Intercept) Fit(double[][] preds, double[] y, int iterations = 40)
    {
        var m = preds.Length;
        var n = y.Length;
        var active = Enumerable.Repeat(true, m).ToArray();
        var rowW = new double[n];
        Array.Fill(rowW, 1.0);
        var weights = new double[m];
        double intercept = 0;
        for (var round = 0; round < m; round++)
        {
            Array.Fill(rowW, 1.0);
            for (var it = 0; it < iterations; it++)
            {
                (weights, intercept) = Solve(preds, y, rowW, active);
                for (var i = 0; i < n; i++)
                {
                    var r = y[i] - Eval(preds, weights, intercept, i);
                    rowW[i] = 1.0 / Math.Max(Math.Abs(r), 0.05);
                }
            }

            var worst = -1;
            for (var j = 0; j < m; j++)
            {
                if (active[j] && weights[j] < 0 && (worst < 0 || weights[j] < weights[worst]))
                {
                    worst = j;
                }
            }

            if (worst < 0)
            {
                break;
            }

            active[worst] = false;
            weights[worst] = 0;
        }

        return (weights, intercept);
    }

    public static double Eval(double[][] preds, double[] w, double b, int i)
    {
        var s = b;
        for (var j = 0; j < w.Length; j++)
        {
            s += w[j] * preds[j][i];
        }

        return s;
    }

    public static double Mae(double[][] preds, double[] y, double[] w, double b)
    {
        double s = 0;
        for (var i = 0; i < y.Length; i++)
        {
            s += Math.Abs(y[i] - Math.Max(0, Eval(preds, w, b, i)));
        }

        return s / y.Length;
    }

    private static (double[] W, double B) Solve(double[][] preds, double[] y, double[] rowW, bool[] active)
    {
        var idx = Enumerable.Range(0, preds.Length).Where(j => active[j]).ToArray();
        var k = idx.Length + 1; // + intercept
        var a = new double[k, k];
        var rhs = new double[k];
        var row = new double[k];
        for (var i = 0; i < y.Length; i++)
        {
            row[0] = 1;
            for (var j = 0; j < idx.Length; j++)
            {
                row[j + 1] = preds[idx[j]][i];
            }

            var wt = rowW[i];
            for (var p = 0; p < k; p++)
            {
                rhs[p] += wt * row[p] * y[i];
                for (var q = 0; q < k; q++)
                {
                    a[p, q] += wt * row[p] * row[q];
                }
            }
        }

        // light ridge toward zero on member weights for stability
        for (var p = 1; p < k; p++)
        {
            a[p, p] += 1e-6 * a[p, p] + 1e-9;
        }

        var sol = GaussSolve(a, rhs);
        var w = new double[preds.Length];
        for (var j = 0; j < idx.Length; j++)
        {
            w[idx[j]] = sol[j + 1];
        }

        return (w, sol[0]);
    }

    private static double[] GaussSolve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var c = 0; c < n; c++)
        {
            var piv = c;
            for (var r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[piv, c]))
                {
                    piv = r;
                }
            }

            if (piv != c)
            {
                for (var j = 0; j < n; j++)
                {
                    (m[c, j], m[piv, j]) = (m[piv, j], m[c, j]);
                }

                (x[c], x[piv]) = (x[piv], x[c]);
            }

            var d = m[c, c];
            if (Math.Abs(d) < 1e-12)
            {
                continue;
            }

            for (var r = 0; r < n; r++)
            {
                if (r == c)
                {
                    continue;
                }

                var f = m[r, c] / d;
                if (f == 0)
                {
                    continue;
                }

                for (var j = c; j < n; j++)
                {
                    m[r, j] -= f * m[c, j];
                }

                x[r] -= f * x[c];
            }
        }

        for (var c = 0; c < n; c++)
        {
            x[c] = Math.Abs(m[c, c]) < 1e-12 ? 0 : x[c] / m[c, c];
        }

        return x;
    }
}
