using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace NbaPredict.Ml.Modeling;

/// <summary>
/// Thin P/Invoke to the native lib_lightgbm shipped (via the LightGBM package) with Microsoft.ML.LightGbm,
/// used to train with objectives ML.NET does not expose (regression_l1, quantile).
/// </summary>
internal static partial class NativeLightGbm
{
    private const string Lib = "lib_lightgbm";
    private const int DtypeFloat32 = 0;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LGBM_DatasetCreateFromMat(IntPtr data, int dataType, int nrow, int ncol, int isRowMajor, string parameters, IntPtr reference, out IntPtr handle);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LGBM_DatasetSetField(IntPtr handle, string field, IntPtr data, int n, int type);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LGBM_BoosterCreate(IntPtr train, string parameters, out IntPtr booster);

    [LibraryImport(Lib)]
    private static partial int LGBM_BoosterUpdateOneIter(IntPtr booster, out int isFinished);

    [LibraryImport(Lib)]
    private static partial int LGBM_BoosterSaveModelToString(IntPtr booster, int startIteration, int numIteration, int importanceType, long bufferLen, out long outLen, IntPtr outStr);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LGBM_BoosterPredictForMat(IntPtr booster, IntPtr data, int dataType, int nrow, int ncol, int isRowMajor, int predictType, int startIteration, int numIteration, string parameter, out long outLen, IntPtr result);

    [LibraryImport(Lib)]
    private static partial int LGBM_BoosterFree(IntPtr booster);

    [LibraryImport(Lib)]
    private static partial int LGBM_DatasetFree(IntPtr handle);

    [LibraryImport(Lib)]
    private static partial IntPtr LGBM_GetLastError();

    private static void Check(int rc)
    {
        if (rc != 0)
        {
            throw new InvalidOperationException("LightGBM: " + (Marshal.PtrToStringUTF8(LGBM_GetLastError()) ?? "unknown error"));
        }
    }

    /// <summary>
    /// Trains a booster on a row-major float matrix and returns the model text. Also returns native predictions
    /// for the first <paramref name="verifyRows"/> rows (to check the compact evaluator).
    /// </summary>
    public static unsafe (string ModelText, double[] Verify) Train(float[] x, int rows, int cols, float[] labels, float[]? weights, string parameters, int iterations, int verifyRows)
    {
        IntPtr ds = IntPtr.Zero, booster = IntPtr.Zero;
        try
        {
            fixed (float* px = x)
            fixed (float* py = labels)
            {
                Check(LGBM_DatasetCreateFromMat((IntPtr)px, DtypeFloat32, rows, cols, 1, "max_bin=255 verbosity=-1 " + parameters, IntPtr.Zero, out ds));
                Check(LGBM_DatasetSetField(ds, "label", (IntPtr)py, rows, DtypeFloat32));
                if (weights is not null)
                {
                    fixed (float* pw = weights)
                    {
                        Check(LGBM_DatasetSetField(ds, "weight", (IntPtr)pw, rows, DtypeFloat32));
                    }
                }

                Check(LGBM_BoosterCreate(ds, "verbosity=-1 " + parameters, out booster));
                for (var i = 0; i < iterations; i++)
                {
                    Check(LGBM_BoosterUpdateOneIter(booster, out var finished));
                    if (finished != 0)
                    {
                        break;
                    }
                }

                var n = Math.Min(verifyRows, rows);
                var verify = new double[n];
                fixed (double* pv = verify)
                {
                    Check(LGBM_BoosterPredictForMat(booster, (IntPtr)px, DtypeFloat32, n, cols, 1, 0, 0, -1, "", out _, (IntPtr)pv));
                }

                Check(LGBM_BoosterSaveModelToString(booster, 0, -1, 0, 0, out var len, IntPtr.Zero));
                var buf = new byte[len];
                fixed (byte* pb = buf)
                {
                    Check(LGBM_BoosterSaveModelToString(booster, 0, -1, 0, len, out len, (IntPtr)pb));
                }

                var text = Encoding.UTF8.GetString(buf, 0, (int)Math.Max(0, len - 1));
                return (text, verify);
            }
        }
        finally
        {
            if (booster != IntPtr.Zero)
            {
                _ = LGBM_BoosterFree(booster);
            }

            if (ds != IntPtr.Zero)
            {
                _ = LGBM_DatasetFree(ds);
            }
        }
    }

    /// <summary>Parses a LightGBM text model (numerical splits only) into a compact forest.</summary>
    public static CompactForest Parse(string modelText)
    {
        var trees = new List<(CompactForest.TreeSpec Spec, bool LearnedMissing)>();
        Dictionary<string, string>? cur = null;
        foreach (var raw in modelText.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("Tree=", StringComparison.Ordinal))
            {
                if (cur != null)
                {
                    trees.Add(ToSpec(cur));
                }

                cur = [];
                continue;
            }

            if (line.StartsWith("end of trees", StringComparison.Ordinal))
            {
                break;
            }

            if (cur != null)
            {
                var eq = line.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    cur[line[..eq]] = line[(eq + 1)..];
                }
            }
        }

        if (cur != null)
        {
            trees.Add(ToSpec(cur));
        }

        // NaN routing is kept only when some split learned a missing-value direction (the training data had NaN).
        var learned = trees.Any(t => t.LearnedMissing);
        return CompactForest.FromSpecs([.. trees.Select(t => learned ? t.Spec : t.Spec with { NanLeft = null })], 0);
    }

    private static (CompactForest.TreeSpec Spec, bool LearnedMissing) ToSpec(Dictionary<string, string> t)
    {
        var leaves = int.Parse(t["num_leaves"], CultureInfo.InvariantCulture);
        if (t.TryGetValue("num_cat", out var nc) && nc != "0")
        {
            throw new NotSupportedException("Categorical splits are not supported.");
        }

        var leafValues = Doubles(t["leaf_value"]);
        if (leaves <= 1)
        {
            return (new CompactForest.TreeSpec([], [], [], [], leafValues), false);
        }

        var decision = Ints(t["decision_type"]);
        var thresholds = Doubles(t["threshold"]);
        var nanLeft = new bool[decision.Length];
        var learnedMissing = false;
        for (var i = 0; i < decision.Length; i++)
        {
            // bit 0 categorical, bit 1 default-left, bits 2-3 missing type (0 none, 1 zero, 2 NaN).
            var d = decision[i];
            var missing = (d >> 2) & 3;
            if ((d & 1) != 0 || missing == 1)
            {
                throw new NotSupportedException($"Unsupported LightGBM decision type {d}.");
            }

            // LightGBM sends a NaN the default way when the feature had NaNs in training, and otherwise scores it as 0.
            nanLeft[i] = missing == 2 ? (d & 2) != 0 : thresholds[i] >= 0;
            learnedMissing |= missing == 2;
        }

        return (new CompactForest.TreeSpec(Ints(t["split_feature"]), thresholds, Ints(t["left_child"]), Ints(t["right_child"]), leafValues, nanLeft), learnedMissing);
    }

    private static int[] Ints(string s) => [.. s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture))];

    private static double[] Doubles(string s) => [.. s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
}
