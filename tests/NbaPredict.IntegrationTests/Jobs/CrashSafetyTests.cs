using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using NbaPredict.IntegrationTests.Infrastructure;

namespace NbaPredict.IntegrationTests.Jobs;

/// <summary>
/// The real <c>nbapredict</c> process killed (SIGKILL) in the middle of an import and of a training run: nothing
/// half-written remains (a file's rows are all in or none, no model is registered without its artifact, no
/// artifact folder without its registration), and running the same command again completes the work.
/// </summary>
public sealed class CrashSafetyTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly string[] Seasons = ["2022-23", "2023-24"];
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("nbapredict-crash-");

    private string State => Path.Combine(root.FullName, "state");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        root.Delete(recursive: true);
    }

    [Fact]
    public async Task A_killed_import_leaves_each_file_all_in_or_absent_and_the_rerun_completes()
    {
        var input = Directory.CreateDirectory(Path.Combine(root.FullName, "input")).FullName;
        foreach (var season in Seasons)
        {
            File.Copy(Path.Combine(TestEnvironment.BundledDataDirectory, $"player_games_{season}.csv.gz"), Path.Combine(input, $"player_games_{season}.csv.gz"));
        }

        using (var import = Cli.Start(State, "import", "--data", input))
        {
            // Killed once the first file is committed, while the second one is being written.
            await WaitUntilAsync(import, async () => await ScalarAsync("SELECT count(*) FROM imported_files") >= 1);
            import.Kill();
        }

        var crashed = await SeasonCountsAsync();
        var recorded = await ScalarAsync("SELECT count(*) FROM imported_files");
        output.WriteLine($"after the kill: {string.Join(", ", crashed.Select(c => $"{c.Key}: {c.Value}"))}; {recorded} file(s) recorded");

        using (var rerun = Cli.Start(State, "import", "--data", input, "--skip-unchanged"))
        {
            Assert.Equal(0, await rerun.WaitAsync(Patience));
            Assert.Contains("SkippedUnchanged", rerun.Output, StringComparison.Ordinal);
        }

        var complete = await SeasonCountsAsync();
        Assert.All(Seasons, s => Assert.True(complete[s] > 20_000, $"{s} is complete after the rerun"));
        Assert.All(Seasons, s => Assert.True(crashed[s] == 0 || crashed[s] == complete[s], $"{s} was half-written: {crashed[s]} of {complete[s]} rows"));
        Assert.Equal(recorded, crashed.Count(c => c.Value > 0));
        Assert.True(crashed.Any(c => c.Value == 0), "the kill landed after the whole import: nothing was tested");
    }

    [Fact]
    public async Task A_killed_training_registers_nothing_and_the_rerun_registers_one_whole_model()
    {
        var input = Path.Combine(root.FullName, "slices");
        foreach (var season in Seasons)
        {
            TestEnvironment.WriteSeasonSlice(input, season, days: 8);
        }

        using (var import = Cli.Start(State, "import", "--data", input))
        {
            Assert.Equal(0, await import.WaitAsync(Patience));
        }

        using (var train = Cli.Start(State, "train", "--quick", "--promote"))
        {
            await WaitUntilAsync(train, () => Task.FromResult(train.Output.Contains("features:", StringComparison.Ordinal)));
            train.Kill();
        }

        var models = Path.Combine(State, "models");
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM model_versions"));
        Assert.Empty(ArtifactFolders(models));

        using (var rerun = Cli.Start(State, "train", "--quick", "--promote"))
        {
            Assert.Equal(0, await rerun.WaitAsync(Patience));
        }

        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM model_versions WHERE stage = 'Production'"));
        var artifact = Assert.Single(ArtifactFolders(models));
        Assert.True(File.Exists(Path.Combine(artifact, "manifest.json")));
        Assert.Empty(Directory.Exists(models) ? Directory.GetDirectories(models, ".staging-*") : []);
    }

    private static string[] ArtifactFolders(string models) =>
        Directory.Exists(models) ? Directory.GetDirectories(models).Where(d => !Path.GetFileName(d).StartsWith('.')).ToArray() : [];

    private static async Task WaitUntilAsync(Cli process, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.False(process.HasExited, $"the command ended (exit {(process.HasExited ? process.ExitCode : 0)}) before it could be killed:\n{process.Output}");
            Assert.True(DateTime.UtcNow < deadline, "the command did not get far enough to be killed");
            await Task.Delay(50);
        }
    }

    private async Task<Dictionary<string, long>> SeasonCountsAsync()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var season in Seasons)
        {
            counts[season] = await ScalarAsync($"SELECT count(*) FROM player_games WHERE season_id = '{season}'");
        }

        return counts;
    }

    /// <summary>A read on the SQLite file, 0 while the database or the table does not exist yet.</summary>
    private async Task<long> ScalarAsync(string sql)
    {
        var path = Path.Combine(State, "nbapredict.db");
        if (!File.Exists(path))
        {
            return 0;
        }

        try
        {
            await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    /// <summary>The built <c>nbapredict.dll</c> run with <c>dotnet</c>, as an operator would, with its output captured.</summary>
    private sealed class Cli : IDisposable
    {
        private readonly Process process;
        private readonly StringBuilder output = new();

        private Cli(Process process) => this.process = process;

        public bool HasExited => process.HasExited;

        public int ExitCode => process.ExitCode;

        public string Output
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        public static Cli Start(string dataDirectory, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nbapredict.dll"));
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["NBAPREDICT_DATA_DIR"] = dataDirectory;
            start.Environment.Remove("ConnectionStrings__Postgres");
            start.Environment.Remove("ConnectionStrings__Redis");
            var cli = new Cli(new Process { StartInfo = start });
            cli.process.OutputDataReceived += (_, e) => cli.Append(e.Data);
            cli.process.ErrorDataReceived += (_, e) => cli.Append(e.Data);
            cli.process.Start();
            cli.process.BeginOutputReadLine();
            cli.process.BeginErrorReadLine();
            return cli;
        }

        /// <summary>SIGKILL, like <c>kill -9</c>: no handler of the process runs.</summary>
        public void Kill()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        public async Task<int> WaitAsync(TimeSpan patience)
        {
            using var timeout = new CancellationTokenSource(patience);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode;
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
