using GraphQL;
using GraphQL.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NbaPredict.Graph.GraphQL.Infrastructure;
using Xunit;

namespace NbaPredict.Graph.Tests.Infrastructure;

public sealed class GraphQLHttpBehaviourTests
{
    private const string Grj = "application/graphql-response+json";
    private const string Json = "application/json";

    [Theory]
    [InlineData(Grj, 504)]
    [InlineData(Json, 200)]
    public async Task Execution_times_out(string accept, int status)
    {
        await using var host = await GraphQLTestHost.StartAsync(o => o.ExecutionTimeout = TimeSpan.FromMilliseconds(200));
        var started = DateTime.UtcNow;

        var response = await host.PostQueryAsync("{ hello slow }", accept: accept);

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the timeout must stop the execution");
        Assert.Equal(status, response.Status);
        Assert.False(response.HasData);
        Assert.Equal("Execution timed out after 0.2 s.", response.Errors.Single().GetProperty("message").GetString());
        Assert.Equal("TIMEOUT", response.FirstErrorCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Unexpected_exception_is_masked_and_logged_but_deliberate_errors_keep_their_message(bool exposeExceptionDetails)
    {
        // Even with exception details switched on in GraphQL.NET, nothing of an unexpected exception may leave the server.
        await using var host = await GraphQLTestHost.StartAsync(
            configureGraphQL: b => b.AddErrorInfoProvider(o => o.ExposeExceptionDetails = exposeExceptionDetails));

        var response = await host.PostQueryAsync("{ hello boom deliberate }");

        Assert.Equal(200, response.Status);
        Assert.Equal("Hello, world", response.Data.GetProperty("hello").GetString());
        Assert.DoesNotContain("hunter2", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperation", response.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("INVALID_OPERATION", response.Body, StringComparison.Ordinal);
        if (!exposeExceptionDetails)
        {
            // With details switched on, GraphQL.NET shows the stack of deliberate ExecutionErrors: that is what the switch is for.
            Assert.DoesNotContain(" at ", response.Body, StringComparison.Ordinal);
        }

        var boom = response.Errors.Single(e => e.GetProperty("path")[0].GetString() == "boom");
        Assert.Equal("An unexpected error occurred while processing the request.", boom.GetProperty("message").GetString());
        var extensions = boom.GetProperty("extensions");
        Assert.Equal("INTERNAL_SERVER_ERROR", extensions.GetProperty("code").GetString());
        var requestId = extensions.GetProperty("requestId").GetString();
        Assert.False(string.IsNullOrEmpty(requestId));
        Assert.True(boom.TryGetProperty("locations", out _));
        Assert.DoesNotContain(" at ", boom.GetRawText(), StringComparison.Ordinal);

        var deliberate = response.Errors.Single(e => e.GetProperty("path")[0].GetString() == "deliberate");
        Assert.Equal("You may not see this field.", deliberate.GetProperty("message").GetString());
        Assert.Equal("FORBIDDEN", deliberate.GetProperty("extensions").GetProperty("code").GetString());

        var logged = Assert.Single(host.Logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(requestId!, logged.Message, StringComparison.Ordinal);
        Assert.Equal(TestQuery.SecretMessage, logged.Exception?.Message);
    }

    private sealed class ThrowingRule : ValidationRuleBase
    {
        public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
            throw new InvalidOperationException(TestQuery.SecretMessage);
    }

    [Theory]
    [InlineData(Grj)]
    [InlineData(Json)]
    public async Task Unexpected_exception_before_execution_is_a_masked_500(string accept)
    {
        await using var host = await GraphQLTestHost.StartAsync(o => o.ConfigureExecution = (options, _) =>
            options.ValidationRules = DocumentValidator.CoreRules.Append(new ThrowingRule()));

        var response = await host.PostQueryAsync("{ hello }", accept: accept);

        Assert.Equal(500, response.Status);
        Assert.Equal(accept, response.MediaType);
        Assert.False(response.HasData);
        Assert.Equal("INTERNAL_SERVER_ERROR", response.FirstErrorCode);
        Assert.DoesNotContain("hunter2", response.Body, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, e => e.Exception?.Message == TestQuery.SecretMessage);
    }

    [Fact]
    public async Task Exception_in_the_hook_is_a_masked_500_with_request_id()
    {
        await using var host = await GraphQLTestHost.StartAsync(o => o.ConfigureExecution = (_, _) =>
            throw new InvalidOperationException(TestQuery.SecretMessage));

        var response = await host.PostQueryAsync("{ hello }");

        Assert.Equal(500, response.Status);
        Assert.DoesNotContain("hunter2", response.Body, StringComparison.Ordinal);
        var requestId = response.Errors.Single().GetProperty("extensions").GetProperty("requestId").GetString();
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains(requestId!, StringComparison.Ordinal) && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Hook_configures_execution_per_request()
    {
        var seen = new List<string?>();
        await using var host = await GraphQLTestHost.StartAsync(o => o.ConfigureExecution = (options, http) =>
        {
            options.UserContext["path"] = http.Request.Path.Value;
            seen.Add(options.RequestServices is null ? null : options.Query);
        });

        var response = await host.PostQueryAsync("{ hello }");

        Assert.Equal(200, response.Status);
        Assert.Equal(["{ hello }"], seen);
    }

    [Fact]
    public async Task Mutation_over_get_can_be_allowed()
    {
        await using var host = await GraphQLTestHost.StartAsync(o => o.GetAllowsOnlyQueries = false);

        var response = await host.GetAsync("/graphql?query=mutation%20%7B%20setGreeting(text%3A%20%22x%22)%20%7D", Grj);

        Assert.Equal(200, response.Status);
        Assert.Equal("x", response.Data.GetProperty("setGreeting").GetString());
    }

    [Fact]
    public async Task Smaller_body_limit_applies()
    {
        await using var host = await GraphQLTestHost.StartAsync(o => o.MaxRequestBodyBytes = 10);

        var response = await host.PostQueryAsync("{ hello }");

        Assert.Equal(413, response.Status);
    }

    [Fact]
    public async Task Html_page_handler_serves_browser_navigation()
    {
        await using var host = await GraphQLTestHost.StartAsync(o => o.HtmlPageHandler = context =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<html>ide</html>");
        });

        var page = await host.GetAsync("/graphql", "text/html");
        var query = await host.GetAsync("/graphql?query=%7Bhello%7D", "application/json");

        Assert.Equal(200, page.Status);
        Assert.Equal("<html>ide</html>", page.Body);
        Assert.Equal(200, query.Status);
        Assert.Equal("Hello, world", query.Data.GetProperty("hello").GetString());
    }

    [Fact]
    public async Task Middleware_form_passes_browser_navigation_to_next()
    {
        await using var host = await GraphQLTestHost.StartAsync(configureApp: app =>
        {
            app.UseGraphQLHttp("/graphql");
            app.MapGet("/graphql", () => Results.Content("<html>ide</html>", "text/html"));
            app.MapGet("/other", () => "other");
        });

        var page = await host.GetAsync("/graphql", "text/html");
        var query = await host.PostQueryAsync("{ hello }");
        var other = await host.GetAsync("/other");

        Assert.Equal("<html>ide</html>", page.Body);
        Assert.Equal("Hello, world", query.Data.GetProperty("hello").GetString());
        Assert.Equal("other", other.Body);
    }
}
