using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Sage.Bench.Memory;
using Sage.Kv;
using Sage.Memory;
using Sage.Vdb;

// dotnet run -c Release --project bench/Sage.Bench.Memory -- [--quick]
var quick = args.Contains("--quick");
var count = quick ? 2_000 : 10_000;
var queries = quick ? 100 : 300;
const int Dimension = 384, TopK = 10, Writers = 16;
var random = new Random(42);
var vectors = Enumerable.Range(0, count + queries).Select(_ => Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromMinutes(2) };

Console.WriteLine($"Sage.Bench.Memory: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {count:N0} memories x {Dimension}, top_k {TopK}, {queries} searches, {Writers} concurrent writers");
var rows = new List<Row>();

await using (var kv = new BenchHost<KvOptions>(new Dictionary<string, string?> { ["Sage:Kv:Backend"] = "memory" }))
await using (var vdb = new BenchHost<VdbOptions>(new Dictionary<string, string?> { ["Sage:Vdb:Backend"] = "embedded" }))
await using (var memory = new BenchHost<MemoryOptions>(new Dictionary<string, string?>
{
    ["Sage:Memory:Mode"] = "standard",
    ["services:kv:http:0"] = kv.Address.ToString().TrimEnd('/'),
    ["services:vdb:http:0"] = vdb.Address.ToString().TrimEnd('/'),
}))
{
    Console.WriteLine("- standard ...");
    var stores = await StoreAllAsync(memory.Address);
    // Memory's records, in KV's memory namespace (README: KV).
    var keys = Enumerable.Range(0, TopK).Select(i => $"mem:m{i * 7}").ToArray();
    var filter = JsonSerializer.SerializeToElement(new { must_not = new[] { new { key = "expires_at", range = new { lte = DateTimeOffset.UtcNow.ToUnixTimeSeconds() } } } });
    // Interleaved, so load from elsewhere on the machine weighs on the three series alike.
    var (search, vdbQuery, kvBatch) = await InterleavedAsync(
        i => http.PostAsJsonAsync(new Uri(memory.Address, "/memory/search"), new { vector = vectors[count + i], top_k = TopK, include_data = true }),
        i => http.PostAsJsonAsync(new Uri(vdb.Address, "/collections/sage_memories/vectors/query"), new { vector = vectors[count + i], top_k = TopK, filter }),
        _ => http.PostAsJsonAsync(new Uri(kv.Address, "/kv/batch-get?namespace=memory"), new { keys }));
    var row = new Row("standard", stores, Percentile(search, 50), Percentile(search, 99), null, null);
    rows.Add(row with { VdbQueryP50 = Percentile(vdbQuery, 50), KvBatchP50 = Percentile(kvBatch, 50) });
}

await using (var embedded = new BenchHost<MemoryOptions>(new Dictionary<string, string?> { ["Sage:Memory:Mode"] = "embedded" }))
{
    Console.WriteLine("- embedded ...");
    var stores = await StoreAllAsync(embedded.Address);
    var (search, _, _) = await InterleavedAsync(
        i => http.PostAsJsonAsync(new Uri(embedded.Address, "/memory/search"), new { vector = vectors[count + i], top_k = TopK, include_data = true }));
    rows.Add(new Row("embedded", stores, Percentile(search, 50), Percentile(search, 99), null, null));
}

var standard = rows[0];
var inProcess = rows[1];
Console.WriteLine();
Console.WriteLine("| composition | store throughput (memories/s) | search p50 (ms) | search p99 (ms) | VDB query alone p50 (ms) | KV batch-get alone p50 (ms) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var row in rows)
    Console.WriteLine($"| {row.Name} | {F(row.StoresPerSecond, "0")} | {F(row.SearchP50)} | {F(row.SearchP99)} | {(row.VdbQueryP50 is { } v ? F(v) : "in-process")} | {(row.KvBatchP50 is { } k ? F(k) : "in-process")} |");
Console.WriteLine();
var budget = standard.VdbQueryP50!.Value + standard.KvBatchP50!.Value + 1;
Console.WriteLine($"- standard search p50 {F(standard.SearchP50)} ms vs VDB p50 + KV p50 + 1 ms = {F(budget)} ms: {(standard.SearchP50 <= budget ? "met" : "NOT met")}");
Console.WriteLine($"- embedded store throughput {F(inProcess.StoresPerSecond / standard.StoresPerSecond, "0.0")}x standard (goal >= 2x): {(inProcess.StoresPerSecond >= 2 * standard.StoresPerSecond ? "met" : "NOT met")}");
return;

async Task<double> StoreAllAsync(Uri memory)
{
    // Warm up the route, the JIT and the collection (created on the first vector).
    for (var i = 0; i < 20; i++)
        await PostOk(new Uri(memory, "/memory"), new { key = $"warm{i}", data = new { i }, vector = vectors[i] });

    var next = -1;
    var started = Stopwatch.GetTimestamp();
    await Task.WhenAll(Enumerable.Range(0, Writers).Select(async _ =>
    {
        for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            await PostOk(new Uri(memory, "/memory"), new { key = $"m{i}", data = new { text = $"memory {i}", n = i }, vector = vectors[i], session_id = $"s{i % 100}", metadata = new { n = i % 10 } });
    }));
    return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
}

async Task<(double[], double[], double[])> InterleavedAsync(params Func<int, Task<HttpResponseMessage>>[] calls)
{
    var samples = calls.Select(_ => new double[queries]).ToArray();
    for (var i = -20; i < queries; i++)
    {
        for (var c = 0; c < calls.Length; c++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await calls[c](Math.Abs(i));
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            if (i >= 0)
                samples[c][i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    }
    return (samples[0], samples.ElementAtOrDefault(1) ?? [], samples.ElementAtOrDefault(2) ?? []);
}

async Task PostOk(Uri uri, object body)
{
    using var response = await http.PostAsJsonAsync(uri, body);
    if (!response.IsSuccessStatusCode)
        throw new InvalidOperationException($"POST {uri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
}

static double Percentile(double[] samples, int percentile)
{
    var sorted = samples.Order().ToArray();
    return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

static string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

internal sealed record Row(string Name, double StoresPerSecond, double SearchP50, double SearchP99, double? VdbQueryP50, double? KvBatchP50);
