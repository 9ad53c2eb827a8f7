using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NbaPredict.IntegrationTests.Infrastructure;
using OpenTelemetry.Trace;

namespace NbaPredict.IntegrationTests.Observability;

/// <summary>Runs requests against a copy of an app whose tracer also exports to memory, and returns the finished spans.</summary>
internal static class SpanCapture
{
    public static async Task<List<Activity>> CaptureAsync(NbaApp app, Func<HttpClient, Task> requests)
    {
        var spans = new List<Activity>();
        await using (var traced = app.WithWebHostBuilder(b => b.ConfigureServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)))))
        {
            using var client = traced.CreateClient();
            await requests(client);
        }

        // The listener is process-wide: spans of other tests may still arrive, so work on a snapshot.
        lock (spans)
        {
            return [.. spans];
        }
    }

    public static bool IsDescendant(Activity span, Activity ancestor, IReadOnlyList<Activity> spans)
    {
        var current = span;
        while (current is not null)
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }

            current = spans.FirstOrDefault(s => s.SpanId == current.ParentSpanId);
        }

        return false;
    }
}
