using System.Diagnostics;
using System.Globalization;

namespace NbaPredict.Core.Features.Models;

/// <summary>
/// Model artifacts are written to <c>.staging-&lt;version&gt;-&lt;pid&gt;-&lt;random&gt;</c> and renamed into place, so
/// a crash mid-write leaves only a staging folder. The process id in its name tells whether its writer is gone:
/// folders of dead processes are removed before the next training writes its own.
/// </summary>
public static class StagingDirectories
{
    private const string Prefix = ".staging-";

    public static string NewPath(string modelsDirectory, string version) =>
        Path.Combine(modelsDirectory, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{version}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}"));

    /// <summary>Removes the staging folders whose writing process no longer runs; returns how many.</summary>
    public static int RemoveAbandoned(string modelsDirectory)
    {
        if (!Directory.Exists(modelsDirectory))
        {
            return 0;
        }

        var removed = 0;
        foreach (var directory in Directory.EnumerateDirectories(modelsDirectory, Prefix + "*"))
        {
            var parts = Path.GetFileName(directory).Split('-');
            // .staging-<m20261124>-<HHmmss>-<pid>-<random>: the pid is the second-last part.
            if (parts.Length < 3 || !int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || IsRunning(pid))
            {
                continue;
            }

            try
            {
                Directory.Delete(directory, recursive: true);
                removed++;
            }
            catch (IOException)
            {
                // Another process cleaning up at the same moment; whoever wins, the folder goes.
            }
        }

        return removed;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
