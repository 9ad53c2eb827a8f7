namespace NbaPredict.Graph.Hosting;

internal static class LandingPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>NbaPredict</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"></head>
        <body><main><h1>NbaPredict</h1>
        <p>GraphQL endpoint: <a href="/graphql">/graphql</a> (POST JSON, or GET with <code>?query=</code>).</p>
        <p>Source: NBA.com/Stats via AntBap23/Nba-Data-and-Analytics-Engineering-Project.</p>
        </main></body></html>
        """;
}
