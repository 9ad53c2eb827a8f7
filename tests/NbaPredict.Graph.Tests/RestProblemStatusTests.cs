using NbaPredict.Graph.Rest;

namespace NbaPredict.Graph.Tests;

public sealed class RestProblemStatusTests
{
    [Theory]
    [InlineData("INVALID_SEASON", 400)]
    [InlineData("UNKNOWN_TEAM", 400)]
    [InlineData("UNKNOWN_PLAYER", 404)]
    [InlineData("MODEL_NOT_FOUND", 404)]
    [InlineData("NO_MODEL_YET", 409)]
    [InlineData("EXPERIMENT_CONFLICT", 409)]
    [InlineData("TRAINING_IN_PROGRESS", 409)]
    public void Domain_codes_map_to_HTTP_statuses(string code, int status) => Assert.Equal(status, RestProblems.StatusOf(code));
}
