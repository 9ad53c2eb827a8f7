namespace NbaPredict.Ml.Evaluation;

/// <summary>Distribution-shift statistics between a reference sample (training) and a recent sample.</summary>
public static class Drift
{
    private const double Floor = 1e-4;

    /// <summary>
    /// Population stability index over <paramref name="bins"/> quantile bins of the reference sample:
    /// Σ (recent − reference) · ln(recent / reference). Below 0.1 is stable, above 0.25 a real shift.
    /// </summary>
    public static double PopulationStabilityIndex(ReadOnlySpan<float> reference, ReadOnlySpan<float> recent, int bins = 10)
    {
        if (reference.IsEmpty || recent.IsEmpty)
        {
            return 0;
        }

        var sorted = reference.ToArray();
        Array.Sort(sorted);
        var edges = new List<float>(bins);
        for (var b = 1; b < bins; b++)
        {
            var edge = sorted[(int)((long)b * (sorted.Length - 1) / bins)];
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        var expected = Histogram(reference, edges);
        var actual = Histogram(recent, edges);
        var psi = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            var e = Math.Max(expected[i] / reference.Length, Floor);
            var a = Math.Max(actual[i] / recent.Length, Floor);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    /// <summary>Two-sample Kolmogorov–Smirnov statistic D and its asymptotic p-value.</summary>
    public static (double Statistic, double PValue) KolmogorovSmirnov(ReadOnlySpan<float> first, ReadOnlySpan<float> second)
    {
        if (first.IsEmpty || second.IsEmpty)
        {
            return (0, 1);
        }

        var a = first.ToArray();
        var b = second.ToArray();
        Array.Sort(a);
        Array.Sort(b);
        int i = 0, j = 0;
        var d = 0.0;
        while (i < a.Length && j < b.Length)
        {
            var value = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= value)
            {
                i++;
            }

            while (j < b.Length && b[j] <= value)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / a.Length) - ((double)j / b.Length)));
        }

        var n = (double)a.Length * b.Length / (a.Length + b.Length);
        var lambda = (Math.Sqrt(n) + 0.12 + (0.11 / Math.Sqrt(n))) * d;
        return (d, KolmogorovQ(lambda));
    }

    // Q_KS(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²), the tail of the Kolmogorov distribution.
    private static double KolmogorovQ(double lambda)
    {
        if (lambda < 0.2)
        {
            return 1;
        }

        var sum = 0.0;
        for (var k = 1; k <= 100; k++)
        {
            var term = Math.Exp(-2 * k * k * lambda * lambda);
            sum += (k % 2 == 1 ? 1 : -1) * term;
            if (term < 1e-12)
            {
                break;
            }
        }

        return Math.Clamp(2 * sum, 0, 1);
    }

    private static double[] Histogram(ReadOnlySpan<float> values, List<float> edges)
    {
        var counts = new double[edges.Count + 1];
        foreach (var v in values)
        {
            var bin = edges.BinarySearch(v);
            // Values equal to an edge belong to the bin below it; others go where BinarySearch would insert them.
            counts[bin >= 0 ? bin : ~bin]++;
        }

        return counts;
    }
}
