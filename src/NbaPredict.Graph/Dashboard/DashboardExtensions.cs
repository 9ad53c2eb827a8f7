using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace NbaPredict.Graph.Dashboard;

/// <summary>The live dashboard at <c>/</c> (docs/decisions/0014-live-dashboard.md).</summary>
public static class DashboardExtensions
{
    /// <summary>URL prefix of the dashboard's modules, styles and the vendored graphql-ws client.</summary>
    public const string AssetsPath = "/dashboard";

    /// <summary>
    /// Only this origin: the page, its modules, GraphQL over HTTP and the WebSocket. Nothing is loaded from
    /// elsewhere, and the policy makes the browser refuse it if a change ever tried.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Where the build copies the dashboard (Dashboard/app and graphql-ws): <c>dashboard</c> beside the application.</summary>
    public static string FilesDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "dashboard");

    /// <summary>Serves <c>index.html</c> at <c>/</c> and the dashboard's files under <see cref="AssetsPath"/>.</summary>
    public static WebApplication MapNbaDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var index = Path.Combine(FilesDirectory, "index.html");
        if (!File.Exists(index))
        {
            app.Logger.LogWarning("Dashboard files not found in {Directory}: GET / answers 503", FilesDirectory);
        }
        else
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(FilesDirectory),
                RequestPath = AssetsPath,
                // Names carry no content hash, so the browser revalidates (ETag) instead of caching blindly.
                OnPrepareResponse = static c => c.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
            });
        }

        app.MapGet("/", (HttpContext context) => WriteIndexAsync(context, index)).ExcludeFromDescription();
        return app;
    }

    private static async Task WriteIndexAsync(HttpContext context, string index)
    {
        var response = context.Response;
        response.Headers[HeaderNames.CacheControl] = "no-cache";
        response.ContentType = "text/html; charset=utf-8";
        if (!File.Exists(index))
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(
                "The dashboard is not built: " + Path.GetFileName(FilesDirectory) + "/index.html is missing beside the application. " +
                "Build NbaPredict.Graph (its build runs `npm ci` in src/NbaPredict.Graph/Dashboard). GraphQL at /graphql still works.",
                context.RequestAborted);
            return;
        }

        response.Headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        await response.SendFileAsync(index, context.RequestAborted);
    }
}
