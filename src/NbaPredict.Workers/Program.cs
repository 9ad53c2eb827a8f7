using NbaPredict.Workers.Cli;

namespace NbaPredict.Workers;

/// <summary>The <c>nbapredict</c> entry point (a named class, so it never clashes with the API's <c>Program</c>).</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => NbaCli.RunAsync(args, Console.Out, Console.Error);
}
