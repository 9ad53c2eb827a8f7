using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using GraphQL;
using GraphQL.Types;
using GraphQL.Utilities;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Visitors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace NbaPredict.Graph.GraphQL.Ide;

/// <summary>
/// The IDE's <c>index.html</c> (with a <c>&lt;base&gt;</c> pointing at the assets), its <c>bcp-config.json</c> and the
/// schema as SDL.
/// </summary>
internal sealed class BananaCakePopPage(IOptions<BananaCakePopOptions> options)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    private readonly BananaCakePopOptions _options = options.Value;
    private readonly Lazy<string?> _index = new(() => ReadIndex(options.Value.FilesDirectory));
    private string? _sdl;

    public async Task WriteIndexAsync(HttpContext context)
    {
        BananaCakePopExtensions.NoCache(context.Response);
        if (_index.Value is not { } index)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(
                $"The GraphQL IDE is not installed: {Path.Combine(_options.FilesDirectory, "index.html")} is missing. " +
                "Build NbaPredict.Graph (its build runs `npm ci` in src/NbaPredict.Graph/ide). POST GraphQL requests still work.",
                context.RequestAborted);
            return;
        }

        // Relative asset URLs (static/js/..., manifest, icons) resolve against the assets path, not against /graphql.
        var baseHref = WebUtility.HtmlEncode(context.Request.PathBase.Add(_options.AssetsPath.TrimEnd('/') + "/").ToUriComponent());
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(index.Replace("<head>", $"<head><base href=\"{baseHref}\"/>", StringComparison.Ordinal), context.RequestAborted);
    }

    public Task WriteConfigAsync(HttpContext context)
    {
        BananaCakePopExtensions.NoCache(context.Response);
        var request = context.Request;
        var origin = new Uri(request.Scheme + "://" + request.Host.ToUriComponent());
        var config = new BananaCakePopConfig(
            Title: _options.Title,
            UseBrowserUrlAsEndpoint: true,
            Endpoint: request.PathBase.Add(_options.GraphQLPath).ToUriComponent(),
            SdlEndpoint: new Uri(origin, request.PathBase.Add(_options.SchemaPath).ToUriComponent()).ToString(),
            GraphQLDocument: _options.Document,
            IncludeCookies: false,
            UseGet: false,
            SubscriptionProtocol: _options.SubscriptionProtocol,
            DisableTelemetry: true);
        return context.Response.WriteAsJsonAsync(config, JsonOptions, context.RequestAborted);
    }

    /// <summary>
    /// The schema as SDL, which the IDE loads (its <c>sdlEndpoint</c>) instead of running its introspection query: that
    /// query nests 13 levels deep and the endpoint refuses documents deeper than <c>QueryLimits.MaxDepth</c> (12).
    /// </summary>
    public Task WriteSchemaAsync(HttpContext context)
    {
        BananaCakePopExtensions.NoCache(context.Response);
        _sdl ??= PrintForIde(context.RequestServices.GetRequiredService<ISchema>());
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(_sdl, context.RequestAborted);
    }

    /// <summary>
    /// The SDL with every applied directive that has no definition in it removed (federation's <c>@key</c> is applied
    /// but imported through <c>@link</c>, not defined), so the IDE's graphql-js can build a schema from it.
    /// </summary>
    internal static string PrintForIde(ISchema schema)
    {
        var sdl = schema.Print(new PrintOptions { IncludeDescriptions = true, IncludeDeprecationReasons = true, IncludeFederationTypes = false });
        var document = Parser.Parse(sdl);
        var context = new DirectiveFilterContext();
        context.Defined.UnionWith(document.Definitions.OfType<GraphQLDirectiveDefinition>().Select(d => d.Name.StringValue));
        new DirectiveFilter().VisitAsync(document, context).AsTask().GetAwaiter().GetResult();
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new SDLPrinter().PrintAsync(document, writer).AsTask().GetAwaiter().GetResult();
        return writer.ToString();
    }

    private static string? ReadIndex(string directory)
    {
        var path = Path.Combine(directory, "index.html");
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>
    /// The preset the IDE reads from <c>bcp-config.json</c> beside the page (the format Hot Chocolate's
    /// <c>MapBananaCakePop</c> writes). With <see cref="UseBrowserUrlAsEndpoint"/>, <see cref="Endpoint"/> is resolved
    /// against the page's URL.
    /// </summary>
    private sealed record BananaCakePopConfig(
        string Title,
        bool UseBrowserUrlAsEndpoint,
        string Endpoint,
        string SdlEndpoint,
        [property: JsonPropertyName("graphQLDocument")] string GraphQLDocument,
        bool IncludeCookies,
        bool UseGet,
        string SubscriptionProtocol,
        bool DisableTelemetry);

    private sealed class DirectiveFilterContext : IASTVisitorContext
    {
        public HashSet<string> Defined { get; } = new(StringComparer.Ordinal) { "deprecated", "specifiedBy", "include", "skip", "oneOf" };

        public CancellationToken CancellationToken => CancellationToken.None;
    }

    private sealed class DirectiveFilter : ASTVisitor<DirectiveFilterContext>
    {
        protected override ValueTask VisitDirectivesAsync(GraphQLDirectives directives, DirectiveFilterContext context)
        {
            directives.Items.RemoveAll(d => !context.Defined.Contains(d.Name.StringValue));
            return base.VisitDirectivesAsync(directives, context);
        }
    }
}
