using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;
using Sage.Bench.Vectors;
using Sage.Client;
using Sage.Client.Vdb;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;

// dotnet run -c Release --project bench/Sage.Bench.Vectors -- [--quick]
// dotnet run -c Release --project bench/Sage.Bench.Vectors -- hnsw [--points N] [--dim D] [--ef1 E] [--ef2 E] [--dump DIR]
if (args.FirstOrDefault() == "hnsw")
{
    return await HnswBench.RunAsync(args);
}
// Building this project builds services/Sage.Vdb in the same configuration; the bench runs that build as a child process.
var quick = args.Contains("--quick");
int[] sizes = quick ? [10_000] : [10_000, 100_000];
int[] dimensions = [384, 768];
var queries = quick ? 50 : 200;
const int TopK = 10, BatchSize = 256, ParallelThreshold = 20_000, WarmupQueries = 20, ServiceMaxBatchPoints = 10_000;
var recallQueries = Math.Min(queries, quick ? 50 : 30);
var rows = new List<string>();
var lines = new List<string>();
var root = Directory.CreateTempSubdirectory("sage-bench-vectors-").FullName;
var vdbDll = VdbServiceProcess.LocateDll();
// No orphaned service: killed on Ctrl+C, SIGTERM, SIGHUP and SIGQUIT (then the default action proceeds), at exit, and in the finally below.
using var onSigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => CleanUp());
using var onSigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => CleanUp());
using var onSighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => CleanUp());
using var onSigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, _ => CleanUp());
AppDomain.CurrentDomain.ProcessExit += (_, _) => CleanUp();

Console.WriteLine($"Sage.Bench.Vectors: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(quick ? "quick" : "full")} run, top_k {TopK}, {queries} queries per row after {WarmupQueries} warm-up");
Console.WriteLine($"VDB service: dotnet {vdbDll}");
var total = Stopwatch.StartNew();
try
{
    foreach (var dimension in dimensions)
    {
        foreach (var size in sizes)
        {
            rows.Add(await RunRowAsync(size, dimension));
        }
    }
}
catch (Exception e)
{
    Console.Error.WriteLine($"Benchmark failed: {e}");
    return 1;
}
finally
{
    CleanUp();
}

Console.WriteLine();
Console.WriteLine("| points | dim | upsert in-memory (points/s) | upsert persisted (points/s) | upsert HTTP (points/s) | engine query p50 / p99 (ms) | raw TensorPrimitives scan p50 / p99 (ms) | engine / raw p50 (median per-query ratio) | HTTP query p50 / p99 (ms) | HTTP overhead: HTTP p50 − engine p50 (median per-query diff) (ms) | recall@10 in-process / HTTP |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
rows.ForEach(Console.WriteLine);
Console.WriteLine();
lines.ForEach(Console.WriteLine);
Console.WriteLine($"Goals: in-process engine query <= 1.2x raw scan; recall@10 = 1.000 (in-process and HTTP); 100k x 384 loads from the persist directory in < 5 s.");
Console.WriteLine($"Batches of {BatchSize}, interleaved per batch across the three upsert targets; each query runs raw, engine and HTTP back to back in rotating order; "
    + $"scans split across cores from {ParallelThreshold:N0} points; HTTP: one client, sequential, loopback, service as a child process (embedded backend, in memory). Total {total.Elapsed.TotalSeconds:F0} s.");
return 0;

async Task<string> RunRowAsync(int size, int dimension)
{
    Console.WriteLine($"- {size:N0} x {dimension} ...");
    var random = new Random(size + dimension);
    var data = new float[(long)size * dimension];
    for (var i = 0; i < size; i++)
    {
        var vector = data.AsSpan(i * dimension, dimension);
        for (var j = 0; j < dimension; j++) vector[j] = (float)((random.NextDouble() * 2) - 1);
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
    }
    var queryVectors = Enumerable.Range(0, queries + WarmupQueries).Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray()).ToArray();
    foreach (var q in queryVectors) TensorPrimitives.Divide(q, TensorPrimitives.Norm(q), q);

    await using var service = await VdbServiceProcess.StartAsync(vdbDll, ServiceMaxBatchPoints);
    Console.WriteLine($"  VDB service pid {service.ProcessId} on 127.0.0.1:{service.Port}, healthy {service.ReadyAfter.TotalSeconds:F2} s after start");
    await WarmUpHttpAsync(service.Client, data, dimension);
    var (encodeMs, decodeMs, batchBytes) = JsonFloor(data, dimension);

    // Upsert the same batches into the three targets, rotating which goes first, so a noisy neighbour hits all three alike.
    var persistDirectory = Path.Combine(root, $"{size}x{dimension}");
    long memoryTicks = 0, persistedTicks = 0, httpTicks = 0;
    var upsertCpu = service.CpuTime();
    using (var memory = new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { ParallelScanThreshold = ParallelThreshold }))
    using (var persisted = new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { PersistDirectory = persistDirectory, ParallelScanThreshold = ParallelThreshold }))
    {
        await memory.CreateCollectionAsync("bench", new CollectionSpec(dimension, Distance.Cosine));
        await persisted.CreateCollectionAsync("bench", new CollectionSpec(dimension, Distance.Cosine));
        for (int offset = 0, b = 0; offset < size; offset += BatchSize, b++)
        {
            var count = Math.Min(BatchSize, size - offset);
            var points = new VectorPoint[count];
            var records = new VectorRecord[count];
            for (var i = 0; i < count; i++)
            {
                var slice = data.AsMemory((offset + i) * dimension, dimension);
                points[i] = new VectorPoint($"p{offset + i}", slice);
                records[i] = new VectorRecord($"p{offset + i}", slice.ToArray());
            }
            for (var k = 0; k < 3; k++)
            {
                var started = Stopwatch.GetTimestamp();
                switch ((b + k) % 3)
                {
                    case 0:
                        await memory.UpsertAsync("bench", points);
                        memoryTicks += Stopwatch.GetTimestamp() - started;
                        break;
                    case 1:
                        await persisted.UpsertAsync("bench", points);
                        persistedTicks += Stopwatch.GetTimestamp() - started;
                        break;
                    default:
                        var answer = await service.Client.UpsertAsync(records);
                        httpTicks += Stopwatch.GetTimestamp() - started;
                        if (answer.Upserted != count) throw new InvalidOperationException($"HTTP upsert wrote {answer.Upserted} of {count} points.");
                        break;
                }
            }
        }
    }
    upsertCpu = service.CpuTime() - upsertCpu;
    var (memoryRate, persistedRate, httpRate) = (Rate(size, memoryTicks), Rate(size, persistedTicks), Rate(size, httpTicks));
    var served = await service.Client.CountAsync();
    if (served.Count != size) throw new InvalidOperationException($"The service holds {served.Count} points, expected {size}.");
    var batches = (size + BatchSize - 1) / BatchSize;
    Report(string.Create(CultureInfo.InvariantCulture,
        $"{size:N0} x {dimension} upserted: in-memory {memoryRate:N0}, persisted {persistedRate:N0}, HTTP {httpRate:N0} points/s (HTTP {httpTicks * 1000.0 / Stopwatch.Frequency / batches:F1} ms wall, service CPU {upsertCpu.TotalMilliseconds / batches:F1} ms per batch; JSON floor, in this process: encode {encodeMs:F1} + decode {decodeMs:F1} ms per {batchBytes / 1024:N0} KB batch); service RSS {service.ResidentMegabytes():N0} MB"));

    var loadStarted = Stopwatch.GetTimestamp();
    var store = new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { PersistDirectory = persistDirectory, ParallelScanThreshold = ParallelThreshold });
    var load = Stopwatch.GetElapsedTime(loadStarted);
    var loadChecked = size == 100_000 && dimension == 384 || quick && dimension == 384;
    if (loadChecked)
    {
        lines.Add($"In-process load of {size:N0} x {dimension} from the persist directory (new EmbeddedVectorStore): {load.TotalSeconds:F2} s (goal < 5 s for 100k x 384)");
    }

    var raw = new RawScan(data, dimension, ParallelThreshold);
    List<double> engineTimes = [], rawTimes = [], httpTimes = [], ratios = [], overheads = [];
    int engineHits = 0, httpHits = 0;
    var queryCpu = service.CpuTime();
    try
    {
        for (var q = 0; q < queryVectors.Length; q++)
        {
            var query = queryVectors[q];
            double engineMs = 0, rawMs = 0, httpMs = 0;
            IReadOnlyList<ScoredPoint>? engineResult = null;
            IReadOnlyList<VectorHit>? httpResult = null;
            // One round: raw, engine and HTTP back to back, rotating which goes first so none always gets the warmer cache.
            for (var k = 0; k < 3; k++)
            {
                var started = Stopwatch.GetTimestamp();
                switch ((q + k) % 3)
                {
                    case 0:
                        raw.TopK(query, TopK);
                        rawMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        break;
                    case 1:
                        engineResult = await store.QueryAsync("bench", new VectorQuery(query, TopK, WithMetadata: false));
                        engineMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        break;
                    default:
                        httpResult = (await service.Client.QueryAsync(new QueryVectorsRequest(query, TopK, WithMetadata: false))).Results;
                        httpMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        break;
                }
            }
            if (q < WarmupQueries) continue;
            engineTimes.Add(engineMs);
            rawTimes.Add(rawMs);
            httpTimes.Add(httpMs);
            ratios.Add(engineMs / rawMs);
            overheads.Add(httpMs - engineMs);
            if (q - WarmupQueries < recallQueries)
            {
                var exact = raw.BruteForce(query, TopK).Select(i => $"p{i}").ToHashSet();
                engineHits += engineResult!.Count(h => exact.Contains(h.Id));
                httpHits += httpResult!.Count(h => exact.Contains(h.Id));
            }
        }
    }
    finally
    {
        store.Dispose();
    }
    queryCpu = service.CpuTime() - queryCpu;
    Report(string.Create(CultureInfo.InvariantCulture,
        $"{size:N0} x {dimension} queried: service CPU {queryCpu.TotalMilliseconds / queryVectors.Length:F2} ms per HTTP query (all cores), HTTP p50 {Percentile(httpTimes, 0.5):F2} ms wall"));

    if (loadChecked)
    {
        // The same directory, loaded by the service: process start to the first answered query on that collection.
        await using var loaded = await VdbServiceProcess.StartAsync(vdbDll, ServiceMaxBatchPoints, persistDirectory);
        var first = await loaded.Client.QueryAsync(new QueryVectorsRequest(queryVectors[0], TopK, WithMetadata: false), "bench");
        var toFirstQuery = Stopwatch.GetElapsedTime(loaded.StartedAt);
        if (first.Results.Count != TopK) throw new InvalidOperationException($"The reloaded service answered {first.Results.Count} hits.");
        lines.Add($"VDB service started on that persist directory: first query answered {toFirstQuery.TotalSeconds:F2} s after process start "
            + $"(/health 200 after {loaded.ReadyAfter.TotalSeconds:F2} s); the same service with no data: /health 200 after {service.ReadyAfter.TotalSeconds:F2} s");
    }

    var (e50, e99) = (Percentile(engineTimes, 0.50), Percentile(engineTimes, 0.99));
    var (r50, r99) = (Percentile(rawTimes, 0.50), Percentile(rawTimes, 0.99));
    var (h50, h99) = (Percentile(httpTimes, 0.50), Percentile(httpTimes, 0.99));
    var (engineRecall, httpRecall) = (engineHits / (double)(recallQueries * TopK), httpHits / (double)(recallQueries * TopK));
    return string.Create(CultureInfo.InvariantCulture,
        $"| {size:N0} | {dimension} | {memoryRate:N0} | {persistedRate:N0} | {httpRate:N0} | {e50:F2} / {e99:F2} | {r50:F2} / {r99:F2} | {e50 / r50:F2}x ({Percentile(ratios, 0.5):F2}x) | {h50:F2} / {h99:F2} | {h50 - e50:F2} ({Percentile(overheads, 0.5):F2}) | {engineRecall:F3} / {httpRecall:F3} |");
}

void CleanUp()
{
    VdbServiceProcess.KillAll();
    try
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
    catch (IOException)
    {
        // A store still has its files open while a signal stops the run; the temp directory stays.
    }
}

void Report(string line)
{
    Console.WriteLine("  " + line);
    lines.Add(line);
}

// JIT (through tier 1) and connection warm-up on a throw-away collection, so the measured upserts are steady state, not first calls.
static async Task WarmUpHttpAsync(VdbClient client, float[] data, int dimension)
{
    await client.CreateCollectionAsync("warmup", new CreateCollectionRequest(dimension));
    for (var b = 0; b < 16; b++)
    {
        var records = Enumerable.Range(b * BatchSize, BatchSize).Select(i => new VectorRecord($"w{i}", data.AsSpan(i * dimension, dimension).ToArray())).ToArray();
        await client.UpsertAsync(records, "warmup");
    }
    await client.DeleteCollectionAsync("warmup");
}

// The wire format's own cost: one batch of 256 through System.Text.Json with the services' options, median of 10 after 5 warm-ups.
static (double EncodeMs, double DecodeMs, int Bytes) JsonFloor(float[] data, int dimension)
{
    var request = new UpsertVectorsRequest(Enumerable.Range(0, BatchSize).Select(i => new VectorRecord($"p{i}", data.AsSpan(i * dimension, dimension).ToArray())).ToArray());
    List<double> encode = [], decode = [];
    var bytes = Array.Empty<byte>();
    for (var i = 0; i < 15; i++)
    {
        var started = Stopwatch.GetTimestamp();
        bytes = JsonSerializer.SerializeToUtf8Bytes(request, SageJson.Options);
        var encoded = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        started = Stopwatch.GetTimestamp();
        _ = JsonSerializer.Deserialize<UpsertVectorsRequest>(bytes, SageJson.Options);
        var decoded = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (i < 5) continue; // warm-up
        encode.Add(encoded);
        decode.Add(decoded);
    }
    return (Percentile(encode, 0.5), Percentile(decode, 0.5), bytes.Length);
}

static double Rate(int points, long ticks) => points / (ticks / (double)Stopwatch.Frequency);

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
