using System.Globalization;
using NbaPredict.Ml;
using NbaPredict.Ml.Data;
using NbaPredict.Ml.Modeling;

namespace NbaPredict.Benchmarks;

internal static class Program
{
    public static int Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "help";
        if (mode == "tune")
        {
            try
            {
                Tune.Run(FindDataDir(), args[1..]);
                return 0;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"tune: {e.Message}");
                return 2;
            }
        }

        string? save = null;
        var dataDir = FindDataDir();
        var test = true;
        string[] filter = [];
        var o = new TrainingOptions();
        var shifted = false;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data": dataDir = args[++i]; break;
                case "--save": save = args[++i]; break;
                case "--no-test": test = false; break;
                case "--shifted": shifted = true; break;
                case "--refit": o = o with { RefitOnCalibration = true }; break;
                case "--quick": o = TrainingOptions.Quick with { RefitOnCalibration = o.RefitOnCalibration, KnownAbsenceModel = o.KnownAbsenceModel }; break;
                case "--no-known-absence": o = o with { KnownAbsenceModel = false }; break;
                case "--filter": filter = ["--filter", args[++i]]; break;
                case "--stats": o = o with { Stats = [.. args[++i].Split(',').Select(Enum.Parse<StatKind>)] }; break;
                case "--members": o = o with { Members = [.. args[++i].Split(',').Select(Enum.Parse<MemberKind>)] }; break;
                case "--l1-iter": o = o with { L1Iterations = Int(args[++i]) }; break;
                case "--l1-lr": o = o with { L1LearningRate = Dbl(args[++i]) }; break;
                case "--l1-leaves": o = o with { L1Leaves = Int(args[++i]) }; break;
                case "--l1-min-leaf": o = o with { L1MinDataInLeaf = Int(args[++i]) }; break;
                case "--l1-ff": o = o with { L1FeatureFraction = Dbl(args[++i]) }; break;
                case "--lgb-iter": o = o with { LightGbmIterations = Int(args[++i]) }; break;
                case "--decay": o = o with { RecencyDecay = Dbl(args[++i]) }; break;
                case "--min-leaf": o = o with { MinExamplesPerLeaf = Int(args[++i]) }; break;
                case "--tree-transform": o = o with { TreeTransform = Enum.Parse<TargetTransform>(args[++i]) }; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        switch (mode)
        {
            case "feature-stats":
                FeatureStats(dataDir);
                return 0;
            case "latency":
                Latency.Run(dataDir, save);
                return 0;
            case "bench":
                Environment.SetEnvironmentVariable(PredictorBenchmarks.DataDirVariable, Path.GetFullPath(dataDir));
                Environment.SetEnvironmentVariable(PredictorBenchmarks.BundleDirVariable, save is null ? null : Path.GetFullPath(save));
                BenchmarkDotNet.Running.BenchmarkRunner.Run<PredictorBenchmarks>(args: filter);
                return 0;
            case "bench-explain":
                Environment.SetEnvironmentVariable(PredictorBenchmarks.DataDirVariable, Path.GetFullPath(dataDir));
                Environment.SetEnvironmentVariable(PredictorBenchmarks.BundleDirVariable, save is null ? null : Path.GetFullPath(save));
                BenchmarkDotNet.Running.BenchmarkRunner.Run<ExplainBenchmarks>();
                return 0;
            case "serving":
                Environment.SetEnvironmentVariable(PredictorBenchmarks.DataDirVariable, Path.GetFullPath(dataDir));
                Environment.SetEnvironmentVariable(ServingState.StateDirVariable, Path.GetFullPath(save ?? Path.Combine(Path.GetTempPath(), "nbapredict-serving-bench")));
                // Import and training happen once, before the in-process benchmarks (their setup has a time limit).
                ServingState.OpenAsync(Environment.GetEnvironmentVariable(ServingState.StateDirVariable)!, Path.GetFullPath(dataDir)).GetAwaiter().GetResult().Dispose();
                BenchmarkDotNet.Running.BenchmarkRunner.Run<ServingBenchmarks>(args: filter);
                return 0;
            case "resave":
                {
                    // Cost of saving a bundle with its ONNX copies (the training run pays it once).
                    var bundle = ModelBundle.Load(save ?? throw new ArgumentException("resave needs --save <bundle dir>"));
                    var target = Path.Combine(Path.GetTempPath(), "nbapredict-resave-" + Guid.NewGuid().ToString("N"));
                    var sw = System.Diagnostics.Stopwatch.StartNew();
                    bundle.Save(target);
                    var files = new DirectoryInfo(target).GetFiles();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"saved in {sw.Elapsed.TotalSeconds:F1}s: {files.Length} files, {files.Sum(f => f.Length) / 1e6:F1} MB, of which ONNX {files.Count(f => f.Extension == ".onnx")} files, {files.Where(f => f.Extension == ".onnx").Sum(f => f.Length) / 1e6:F1} MB"));
                    Directory.Delete(target, true);
                    return 0;
                }

            case "experiment":
                if (shifted)
                {
                    // One season earlier: the held-out 2023-24 season is not even loaded into the evaluation.
                    var plan = new TrainingPlan(new DateOnly(2015, 8, 1), new DateOnly(2021, 8, 1), new DateOnly(2021, 8, 1), new DateOnly(2022, 8, 1));
                    ExperimentRunner.Run(dataDir, plan, (new DateOnly(2022, 8, 1), new DateOnly(2023, 8, 1)), save, o, evaluateTest: test);
                }
                else
                {
                    ExperimentRunner.Run(dataDir, save, o, evaluateTest: test);
                }

                return 0;
            default:
                Console.WriteLine("usage: NbaPredict.Benchmarks experiment|latency|bench|bench-explain|serving [--data dir] [--save bundleDir|servingStateDir] [--no-test] [--stats Pts,Reb] [--members LightGbmL1,LightGbm,FastTree,FastForest,Linear] ...");
                return 1;
        }
    }

    private static void FeatureStats(string dataDir)
    {
        var records = NbaCsvReader.ReadDirectory(dataDir, ["2021-22", "2022-23"]);
        var (_, m) = NbaPredict.Ml.Features.FeatureStore.BuildHistorical(records);
        for (var c = 0; c < m.Columns; c++)
        {
            double s = 0, s2 = 0;
            for (var r = 0; r < m.Rows; r++)
            {
                double v = m.Values[(r * m.Columns) + c];
                s += v;
                s2 += v * v;
            }

            var mu = s / m.Rows;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c,4} {NbaPredict.Ml.Features.FeatureSchema.Names[c],-45} mean {mu,10:F4} sd {Math.Sqrt(Math.Max(0, (s2 / m.Rows) - (mu * mu))),10:F4}"));
        }
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    private static double Dbl(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static string FindDataDir()
    {
        var d = new DirectoryInfo(Environment.CurrentDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "NbaPredict.sln")))
        {
            d = d.Parent;
        }

        return Path.Combine(d?.FullName ?? ".", "data", "nba");
    }
}
