using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

// Fan-out load test: N graphql-transport-ws subscribers to modelPromoted on a running API; each round promotes
// a model over HTTP and every subscriber measures the delay from promotedAt (set by the server just before
// publishing) to receipt. Loopback only; bounded in connections, rounds and time.
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
var baseUrl = new Uri(options.GetValueOrDefault("url", "http://127.0.0.1:5090/"));
var subscribers = int.Parse(options.GetValueOrDefault("subscribers", "1000"), CultureInfo.InvariantCulture);
var rounds = int.Parse(options.GetValueOrDefault("rounds", "10"), CultureInfo.InvariantCulture);
var versions = options.GetValueOrDefault("versions", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
// The first rounds JIT-compile the subscription path on the server; they are delivered but not measured.
var warmup = int.Parse(options.GetValueOrDefault("warmup", "2"), CultureInfo.InvariantCulture);
if (!baseUrl.IsLoopback || versions.Length < 2)
{
    Console.Error.WriteLine("usage: --url http://127.0.0.1:PORT/ --versions v1,v2 [--subscribers 1000] [--rounds 10] (loopback only)");
    return 2;
}

var wsUrl = new UriBuilder(baseUrl) { Scheme = baseUrl.Scheme == "https" ? "wss" : "ws", Path = "/graphql" }.Uri;
using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
var latencies = new List<double>[rounds];
for (var r = 0; r < rounds; r++)
{
    latencies[r] = new List<double>(subscribers);
}

var received = new int[rounds];
var sockets = new List<ClientWebSocket>(subscribers);
var connect = Stopwatch.StartNew();
var acknowledged = 0;
var readers = new List<Task>(subscribers);
for (var i = 0; i < subscribers; i++)
{
    var socket = new ClientWebSocket();
    socket.Options.AddSubProtocol("graphql-transport-ws");
    await socket.ConnectAsync(wsUrl, CancellationToken.None);
    await Send(socket, """{"type":"connection_init","payload":{}}""");
    await Receive(socket); // connection_ack
    await Send(socket, """{"id":"1","type":"subscribe","payload":{"query":"subscription { modelPromoted { version promotedAt } }"}}""");
    sockets.Add(socket);
    Interlocked.Increment(ref acknowledged);
    readers.Add(ReadLoop(socket));
}

Console.WriteLine($"{acknowledged} subscribers connected in {connect.Elapsed.TotalSeconds:F1} s");
await Task.Delay(1000); // let every subscription register with the bus
for (var r = 0; r < rounds; r++)
{
    var version = versions[r % versions.Length];
    using var response = await http.PostAsJsonAsync("graphql", new { query = $"mutation {{ promoteModel(version: \"{version}\") {{ model {{ version }} errors {{ code message }} }} }}" });
    var body = await response.Content.ReadAsStringAsync();
    if (!body.Contains($"\"version\":\"{version}\"", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"promote failed: {body}");
        return 1;
    }

    var deadline = Stopwatch.StartNew();
    while (Volatile.Read(ref received[r]) < subscribers && deadline.Elapsed < TimeSpan.FromSeconds(10))
    {
        await Task.Delay(20);
    }

    Console.WriteLine($"round {r + 1}: {received[r]}/{subscribers} delivered");
    await Task.Delay(300);
}

foreach (var socket in sockets)
{
    socket.Abort();
    socket.Dispose();
}

var all = latencies.Skip(warmup).SelectMany(l => l).Order().ToArray();
var measured = subscribers * Math.Max(0, rounds - warmup);
double P(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"measured deliveries {all.Length} of {measured} (after {warmup} warm-up rounds); latency ms p50 {P(0.50):F1} p90 {P(0.90):F1} p99 {P(0.99):F1} max {all.LastOrDefault():F1}"));
return all.Length == measured ? 0 : 1;

async Task ReadLoop(ClientWebSocket socket)
{
    try
    {
        while (socket.State == WebSocketState.Open)
        {
            var text = await Receive(socket);
            var now = DateTime.UtcNow;
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.GetProperty("type").GetString() != "next")
            {
                continue;
            }

            var promoted = json.RootElement.GetProperty("payload").GetProperty("data").GetProperty("modelPromoted");
            var at = promoted.GetProperty("promotedAt").GetDateTime().ToUniversalTime();
            lock (latencies)
            {
                // Rounds are sequential, so an event belongs to the first round still collecting.
                var round = Math.Max(0, Array.FindIndex(received, c => c < subscribers));
                latencies[round].Add((now - at).TotalMilliseconds);
                received[round]++;
            }
        }
    }
    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
    {
    }
}

static Task Send(ClientWebSocket socket, string text) =>
    socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

static async Task<string> Receive(ClientWebSocket socket)
{
    var buffer = new byte[8192];
    using var message = new MemoryStream();
    WebSocketReceiveResult result;
    do
    {
        result = await socket.ReceiveAsync(buffer, CancellationToken.None);
        message.Write(buffer, 0, result.Count);
    }
    while (!result.EndOfMessage);
    return Encoding.UTF8.GetString(message.ToArray());
}
