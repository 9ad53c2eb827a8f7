using GraphQL;
using NbaPredict.Core;
using NbaPredict.Core.Data;
using NbaPredict.Core.Features.Insights;
using NbaPredict.Graph.Dashboard;
using NbaPredict.Core.Features.Jobs;
using NbaPredict.Graph.GraphQL.Ide;
using NbaPredict.Graph.GraphQL.Infrastructure;
using NbaPredict.Graph.GraphQL.Infrastructure.Subscriptions;
using NbaPredict.Graph.GraphQL.Schema;
using NbaPredict.Graph.Hosting;
using NbaPredict.Graph.Observability;
using NbaPredict.Graph.Rest;
using NbaPredict.Graph.Security;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://localhost:5080");
}

builder.Services.AddNbaStorage();
builder.Services.AddSingleton<ImportStatus>();
builder.Services.AddHostedService<BundledDataImportService>();
builder.Services.AddSingleton<ModelBootstrapStatus>();
builder.Services.AddHostedService<ModelBootstrapService>();
builder.Services.AddNbaJobs(builder.Configuration);
builder.Services.AddNbaGraphQL();
builder.Services.AddNbaInsights();
builder.Services.AddNbaHealthChecks();
builder.Services.AddBananaCakePop();
builder.AddNbaSecurity();
builder.Services.AddNbaRest();
builder.AddNbaTelemetry();

var app = builder.Build();

await using (var scope = app.Services.CreateAsyncScope())
{
    // Migrations run before the server listens, so no request ever meets a missing table.
    await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
}

app.UseNbaSecurity();
app.MapGraphQLHttp("/graphql");
app.MapGraphQLWebSockets("/graphql");
app.MapBananaCakePop();
app.MapNbaHealthChecks();
app.MapNbaDashboard();
app.MapNbaRest();
app.MapNbaTelemetry();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the functional tests.</summary>
public partial class Program;
