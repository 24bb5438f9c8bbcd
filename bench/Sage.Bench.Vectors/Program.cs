using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Sage.Bench.Vectors;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;

// dotnet run -c Release --project bench/Sage.Bench.Vectors -- [--quick]
var quick = args.Contains("--quick");
int[] sizes = quick ? [10_000] : [10_000, 100_000];
int[] dimensions = [384, 768];
var queries = quick ? 50 : 200;
const int TopK = 10, BatchSize = 256, ParallelThreshold = 20_000;
var rows = new List<string>();
string? loadLine = null;
var root = Directory.CreateTempSubdirectory("sage-bench-vectors-").FullName;

Console.WriteLine($"Sage.Bench.Vectors: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(quick ? "quick" : "full")} run, top_k {TopK}, {queries} queries per row");
try
{
    foreach (var dimension in dimensions)
    {
        foreach (var size in sizes)
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
            var queryVectors = Enumerable.Range(0, queries + 20).Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray()).ToArray();
            foreach (var q in queryVectors) TensorPrimitives.Divide(q, TensorPrimitives.Norm(q), q);

            var options = new EmbeddedVectorStoreOptions { ParallelScanThreshold = ParallelThreshold };
            double memoryRate;
            using (var memory = new EmbeddedVectorStore(options))
            {
                memoryRate = await UpsertAllAsync(memory, data, size, dimension);
            }
            var persistDirectory = Path.Combine(root, $"{size}x{dimension}");
            double persistedRate;
            using (var persisted = new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { PersistDirectory = persistDirectory, ParallelScanThreshold = ParallelThreshold }))
            {
                persistedRate = await UpsertAllAsync(persisted, data, size, dimension);
            }

            var started = Stopwatch.GetTimestamp();
            using var store = new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { PersistDirectory = persistDirectory, ParallelScanThreshold = ParallelThreshold });
            var load = Stopwatch.GetElapsedTime(started);
            if (size == 100_000 && dimension == 384 || quick && dimension == 384)
            {
                loadLine = $"Load of {size:N0} x {dimension} from the persist directory: {load.TotalSeconds:F2} s (goal < 5 s for 100k x 384)";
            }

            var raw = new RawScan(data, dimension, ParallelThreshold);
            var engineTimes = new List<double>();
            var rawTimes = new List<double>();
            var hits = 0;
            var recallQueries = Math.Min(queries, quick ? 50 : 30);
            for (var q = 0; q < queryVectors.Length; q++)
            {
                var query = queryVectors[q];
                // Alternate which runs first so neither always gets the warmer cache.
                var (engineMs, engineResult) = q % 2 == 0 ? await TimeEngineAsync(store, query) : default;
                var rawStart = Stopwatch.GetTimestamp();
                var rawResult = raw.TopK(query, TopK);
                var rawMs = Stopwatch.GetElapsedTime(rawStart).TotalMilliseconds;
                if (q % 2 == 1) (engineMs, engineResult) = await TimeEngineAsync(store, query);
                if (q < 20) continue; // warm-up
                engineTimes.Add(engineMs);
                rawTimes.Add(rawMs);
                if (q - 20 < recallQueries)
                {
                    var exact = raw.BruteForce(query, TopK).Select(i => $"p{i}").ToHashSet();
                    hits += engineResult!.Count(h => exact.Contains(h.Id));
                }
            }
            var recall = hits / (double)(recallQueries * TopK);
            var (e50, e99) = (Percentile(engineTimes, 0.50), Percentile(engineTimes, 0.99));
            var (r50, r99) = (Percentile(rawTimes, 0.50), Percentile(rawTimes, 0.99));
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {size:N0} | {dimension} | {memoryRate:N0} | {persistedRate:N0} | {e50:F2} / {e99:F2} | {r50:F2} / {r99:F2} | {e50 / r50:F2}x | {recall:F3} |"));
        }
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}

Console.WriteLine();
Console.WriteLine("| points | dim | upsert in-memory (points/s) | upsert persisted (points/s) | engine query p50 / p99 (ms) | raw TensorPrimitives scan p50 / p99 (ms) | engine / raw p50 | recall@10 |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
rows.ForEach(Console.WriteLine);
Console.WriteLine();
Console.WriteLine(loadLine);
Console.WriteLine($"Goals: engine query <= 1.2x raw scan; recall@10 = 1.000; load < 5 s. Batches of {BatchSize}; scans split across cores from {ParallelThreshold:N0} points.");
return;

static async Task<double> UpsertAllAsync(IVectorStore store, float[] data, int size, int dimension)
{
    await store.CreateCollectionAsync("bench", new CollectionSpec(dimension, Distance.Cosine));
    var started = Stopwatch.GetTimestamp();
    for (var offset = 0; offset < size; offset += BatchSize)
    {
        var batch = new List<VectorPoint>(BatchSize);
        for (var i = offset; i < Math.Min(size, offset + BatchSize); i++)
        {
            batch.Add(new VectorPoint($"p{i}", data.AsMemory(i * dimension, dimension)));
        }
        await store.UpsertAsync("bench", batch);
    }
    return size / Stopwatch.GetElapsedTime(started).TotalSeconds;
}

static async Task<(double Ms, IReadOnlyList<ScoredPoint> Hits)> TimeEngineAsync(IVectorStore store, float[] query)
{
    var started = Stopwatch.GetTimestamp();
    var hits = await store.QueryAsync("bench", new VectorQuery(query, TopK, WithMetadata: false));
    return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, hits);
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
