using System.Diagnostics;
using System.Globalization;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;

namespace Sage.Bench.Vectors;

/// <summary>
/// <c>hnsw</c> mode: the HNSW index against the exact scan in the same run, on the same clustered data, in process.
/// Build time, recall@10 (against the exact scan) and query p50 for two ef values. Writes the data and queries as raw
/// float32 files when <c>--dump DIR</c> is given, so an external implementation (hnswlib) can run on the same data.
/// </summary>
internal static class HnswBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var points = Option(args, "--points", 100_000);
        var dimension = Option(args, "--dim", 384);
        var queryCount = Option(args, "--queries", 200);
        int[] efs = [Option(args, "--ef1", 64), Option(args, "--ef2", 256)];
        const int TopK = 10, Batch = 5_000;
        Console.WriteLine($"Sage.Bench.Vectors hnsw: {points:N0} x {dimension} clustered (cosine), {queryCount} queries, top_k {TopK}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        var all = Clustered(points + queryCount, dimension, seed: 12);
        var data = all[..points];
        var queries = all[points..];
        if (args.SkipWhile(a => a != "--dump").Skip(1).FirstOrDefault() is { } dump)
        {
            Directory.CreateDirectory(dump);
            await File.WriteAllBytesAsync(Path.Combine(dump, "data.f32"), data.SelectMany(v => v).SelectMany(BitConverter.GetBytes).ToArray());
            await File.WriteAllBytesAsync(Path.Combine(dump, "queries.f32"), queries.SelectMany(v => v).SelectMany(BitConverter.GetBytes).ToArray());
        }

        using var store = new EmbeddedVectorStore();
        await store.CreateCollectionAsync("h", new CollectionSpec(dimension) { Index = new VectorIndexSpec(VectorIndexType.Hnsw) });
        var build = Stopwatch.StartNew();
        for (var from = 0; from < points; from += Batch)
        {
            var batch = Enumerable.Range(from, Math.Min(Batch, points - from)).Select(i => new VectorPoint(i.ToString(CultureInfo.InvariantCulture), data[i])).ToList();
            await store.UpsertAsync("h", batch);
            if (from % 20_000 == 0) Console.WriteLine($"  {from + batch.Count:N0} inserted, {build.Elapsed.TotalSeconds:F0} s");
        }
        build.Stop();

        // Exact answers and their timing: the same collection with exact = true (the flat engine's scan).
        var exactIds = new List<HashSet<string>>();
        var exactMs = new List<double>();
        foreach (var query in queries)
        {
            var started = Stopwatch.GetTimestamp();
            var hits = await store.QueryAsync("h", new VectorQuery(query, TopK, Exact: true));
            exactMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            exactIds.Add([.. hits.Select(h => h.Id)]);
        }
        var exactP50 = Median(exactMs);
        Console.WriteLine();
        Console.WriteLine($"HNSW m 16, ef_construct 100: build (incremental upserts of {Batch:N0}) {build.Elapsed.TotalSeconds:F1} s = {points / build.Elapsed.TotalSeconds:N0} points/s");
        Console.WriteLine("| search | recall@10 | query p50 (ms) | speed-up vs exact p50 |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| exact scan | 1.000 | {exactP50:F2} | 1.0× |");
        foreach (var ef in efs)
        {
            var ms = new List<double>();
            double recall = 0;
            for (var q = 0; q < queries.Length; q++)
            {
                var started = Stopwatch.GetTimestamp();
                var hits = await store.QueryAsync("h", new VectorQuery(queries[q], TopK, Ef: ef));
                ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                recall += hits.Count(h => exactIds[q].Contains(h.Id)) / (double)TopK;
            }
            var p50 = Median(ms);
            Console.WriteLine($"| hnsw ef {ef} | {recall / queries.Length:F3} | {p50:F3} | {exactP50 / p50:F1}× |");
        }
        return 0;
    }

    /// <summary>Gaussian clusters around 100 random centres: non-uniform, as embeddings are.</summary>
    private static float[][] Clustered(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, 100).Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)Gaussian(random)).ToArray()).ToArray();
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var centre = centres[random.Next(centres.Length)];
            return centre.Select(c => c + (0.35f * (float)Gaussian(random))).ToArray();
        })];
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static int Option(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
