using Xunit;

namespace NbaPredict.Graph.Tests.Subscriptions;

/// <summary>The Redis that <c>./build.sh test</c> starts (see docs/decisions/0002-test-infrastructure.md).</summary>
internal static class RedisTestServer
{
    public const string Variable = "NBAPREDICT_TEST_REDIS";

    /// <summary>The configured server, or a test failure saying how to provide one (these tests are never skipped).</summary>
    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            Assert.False(
                string.IsNullOrWhiteSpace(value),
                $"{Variable} is not set. Run the tests with ./build.sh test, or start a Redis yourself " +
                $"(redis-server --port 6390 --save '' --daemonize yes) and export {Variable}=127.0.0.1:6390.");
            return value!;
        }
    }
}
