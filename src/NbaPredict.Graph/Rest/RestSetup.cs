using Microsoft.AspNetCore.Diagnostics;
using NbaPredict.Core.Features;
using Scalar.AspNetCore;

namespace NbaPredict.Graph.Rest;

/// <summary>Wiring of the REST compatibility layer: problem details, the OpenAPI document and the Scalar UI.</summary>
public static class RestSetup
{
    public const string OpenApiPath = "/openapi/v1.json";

    public static IServiceCollection AddNbaRest(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<RestProblems>();
        // Binding failures (a non-numeric id, a malformed date) become exceptions, so RestProblems can answer with a
        // problem naming the parameter instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith(RestEndpoints.Prefix[1..], StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "NbaPredict REST API";
                document.Info.Description = "REST compatibility layer over the GraphQL API at /graphql; same services, same field names.";
                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static WebApplication MapNbaRest(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.MapNbaRestEndpoints();
        app.MapOpenApi(OpenApiPath);
        app.MapScalarApiReference("/scalar", o => o.WithOpenApiRoutePattern(OpenApiPath).WithTitle("NbaPredict REST API"));
        return app;
    }
}

/// <summary>
/// Turns what a REST handler refuses into an RFC 9457 problem: <see cref="DomainException"/> codes become 400, 404 or
/// 409 and binding failures 400 naming the parameter; anything else is a 500 that says nothing about the internals.
/// </summary>
internal sealed class RestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Path.StartsWithSegments(RestEndpoints.Prefix) || httpContext.Response.HasStarted)
        {
            return false;
        }

        var (status, code, detail) = exception switch
        {
            DomainException domain => (StatusOf(domain.Code), domain.Code, domain.Message),
            BadHttpRequestException bad => (bad.StatusCode, "INVALID_ARGUMENT", bad.Message),
            _ => (StatusCodes.Status500InternalServerError, "INTERNAL_ERROR", "the server could not answer; the error is logged under this request's trace id"),
        };
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = status, Detail = detail, Extensions = { ["code"] = code } },
        });
    }

    internal static int StatusOf(string code) => code switch
    {
        "UNKNOWN_PLAYER" => StatusCodes.Status404NotFound,
        _ when code.EndsWith("_NOT_FOUND", StringComparison.Ordinal) => StatusCodes.Status404NotFound,
        "UNKNOWN_TEAM" or "COMMENT_TOO_LONG" or "NOT_ON_TEAM" or "TOO_MANY_UNAVAILABLE" => StatusCodes.Status400BadRequest,
        _ when code.StartsWith("INVALID_", StringComparison.Ordinal) => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status409Conflict,
    };
}
