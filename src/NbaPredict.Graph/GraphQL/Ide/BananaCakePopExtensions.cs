using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using NbaPredict.Graph.GraphQL.Infrastructure;

namespace NbaPredict.Graph.GraphQL.Ide;

/// <summary>Registers and maps the Banana Cake Pop GraphQL IDE.</summary>
public static class BananaCakePopExtensions
{
    /// <summary>
    /// Registers <see cref="BananaCakePopOptions"/> and makes the IDE page the answer to browser navigations of the
    /// GraphQL endpoint (<see cref="GraphQLHttpOptions.HtmlPageHandler"/>). Call before <c>MapGraphQLHttp</c>.
    /// </summary>
    public static IServiceCollection AddBananaCakePop(this IServiceCollection services, Action<BananaCakePopOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<BananaCakePopOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddSingleton<BananaCakePopPage>();
        services.Configure<GraphQLHttpOptions>(o => o.HtmlPageHandler = context =>
            context.RequestServices.GetRequiredService<BananaCakePopPage>().WriteIndexAsync(context));
        return services;
    }

    /// <summary>
    /// Serves the IDE's static files under <see cref="BananaCakePopOptions.AssetsPath"/> and its generated
    /// <c>bcp-config.json</c> (endpoint, start document, subscription protocol; telemetry off).
    /// </summary>
    public static WebApplication MapBananaCakePop(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<BananaCakePopOptions>>().Value;
        var page = app.Services.GetRequiredService<BananaCakePopPage>();
        if (!File.Exists(Path.Combine(options.FilesDirectory, "index.html")))
        {
            app.Logger.LogWarning("Banana Cake Pop files not found in {Directory}: GET {Path} in a browser answers 503", options.FilesDirectory, options.GraphQLPath);
        }
        else
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(Path.GetFullPath(options.FilesDirectory)),
                RequestPath = options.AssetsPath,
                OnPrepareResponse = static c =>
                {
                    // static/ holds content-hashed bundles; everything else (service worker, manifest) is revalidated.
                    c.Context.Response.Headers.CacheControl = c.Context.Request.Path.Value?.Contains("/static/", StringComparison.Ordinal) == true
                        ? "public, max-age=31536000, immutable"
                        : "no-cache";
                },
            });
        }

        // The IDE fetches bcp-config.json relative to the page URL (/graphql/bcp-config.json); the assets path copy is for
        // the page opened directly under the assets path.
        app.MapGet(options.GraphQLPath.TrimEnd('/') + "/bcp-config.json", page.WriteConfigAsync).ExcludeFromDescription();
        app.MapGet(options.AssetsPath.TrimEnd('/') + "/bcp-config.json", page.WriteConfigAsync).ExcludeFromDescription();
        app.MapGet(options.SchemaPath, page.WriteSchemaAsync).ExcludeFromDescription();
        app.MapGet(options.AssetsPath.TrimEnd('/') + "/", page.WriteIndexAsync).ExcludeFromDescription();
        app.MapGet(options.AssetsPath.TrimEnd('/') + "/index.html", page.WriteIndexAsync).ExcludeFromDescription();
        return app;
    }

    internal static void NoCache(HttpResponse response) => response.Headers[HeaderNames.CacheControl] = "no-cache";
}
