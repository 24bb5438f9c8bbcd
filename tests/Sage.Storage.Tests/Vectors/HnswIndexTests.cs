using System.Text.Json;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;

namespace Sage.Storage.Tests.Vectors;

/// <summary>
/// The HNSW index against the exact scan as ground truth: recall on clustered data, filters, deletes, concurrent
/// writes and reload. One 20k-point collection is built once for the class (fixed seeds) to keep the suite fast.
/// </summary>
public sealed class HnswIndexTests(HnswIndexTests.Clustered data) : IClassFixture<HnswIndexTests.Clustered>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Non-uniform data (Gaussian clusters), as real embeddings are; uniform random data flatters or ruins recall.</summary>
    public static float[][] ClusteredVectors(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, 50).Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)Gaussian(random)).ToArray()).ToArray();
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var centre = centres[random.Next(centres.Length)];
            return centre.Select(c => c + (0.35f * (float)Gaussian(random))).ToArray();
        })];
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public static List<VectorPoint> Points(float[][] vectors) =>
        [.. vectors.Select((v, i) => new VectorPoint($"p{i}", v, JsonDocument.Parse($$"""{"half":{{i % 2}},"twentieth":{{i % 20}},"thousandth":{{i % 1000}}}""").RootElement))];

    public static VectorIndexSpec Hnsw => new(VectorIndexType.Hnsw);

    /// <summary>The shared 20k × 64 cosine collection with an HNSW index.</summary>
    public sealed class Clustered : IAsyncLifetime
    {
        public const int Count = 20_000, Dimension = 64;
        public EmbeddedVectorStore Store { get; } = new();
        private static readonly float[][] All = ClusteredVectors(Count + 100, Dimension, seed: 7);
        public float[][] Vectors { get; } = All[..Count];
        // Queries from the same clusters but not in the collection, as a real query is near, not equal to, the data.
        public float[][] Queries { get; } = All[Count..];

        public async ValueTask InitializeAsync()
        {
            // ef_construct 64, not the default 100: builds ~1.5× faster in CI and still clears the recall bar.
            await Store.CreateCollectionAsync("c", new CollectionSpec(Dimension) { Index = Hnsw with { EfConstruct = 64 } });
            var points = Points(Vectors);
            foreach (var batch in points.Chunk(5000))
            {
                await Store.UpsertAsync("c", batch);
            }
        }

        public ValueTask DisposeAsync()
        {
            Store.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Mean overlap of the approximate and the exact top 10 over the queries.</summary>
    private static async Task<double> RecallAt10(EmbeddedVectorStore store, string collection, IEnumerable<float[]> queries, VectorFilter? filter = null, int? ef = null)
    {
        double total = 0;
        var n = 0;
        foreach (var query in queries)
        {
            var exact = await store.QueryAsync(collection, new VectorQuery(query, 10, filter, Exact: true), Ct);
            var approximate = await store.QueryAsync(collection, new VectorQuery(query, 10, filter, Ef: ef), Ct);
            total += exact.Count == 0 ? 1 : (double)approximate.Select(h => h.Id).Intersect(exact.Select(h => h.Id)).Count() / exact.Count;
            n++;
        }
        return total / n;
    }

    private static VectorFilter Match(string key, int value) =>
        VectorFilterParser.Parse(JsonDocument.Parse($$$"""{"must":[{"key":"{{{key}}}","match":{"value":{{{value}}}}}]}""").RootElement);

    [Fact]
    public async Task RecallAt10_is_at_least_095_on_20k_clustered_points()
    {
        var recall = await RecallAt10(data.Store, "c", data.Queries);

        Assert.True(recall >= 0.95, $"recall@10 {recall:F3}");
        var info = await data.Store.GetCollectionAsync("c", Ct);
        Assert.Equal(new VectorIndexInfo(VectorIndexType.Hnsw, 16, 64, "ready", 1), info!.Index);
    }

    [Fact]
    public async Task A_larger_ef_does_not_lower_recall()
    {
        var small = await RecallAt10(data.Store, "c", data.Queries.Take(30), ef: 10);
        var large = await RecallAt10(data.Store, "c", data.Queries.Take(30), ef: 200);

        Assert.True(large >= small && large >= 0.97, $"ef 10: {small:F3}, ef 200: {large:F3}");
    }

    [Theory]
    [InlineData("half", 2)]          // 50%: answered from the graph, non-matching nodes only traversed
    [InlineData("twentieth", 20)]    // 5%: below the fraction, exact scan of the matches
    [InlineData("thousandth", 1000)] // 0.1%
    public async Task Filtered_queries_return_only_matches_and_the_best_of_them(string key, int modulus)
    {
        var filter = Match(key, 0);
        foreach (var query in data.Queries.Take(20))
        {
            var hits = await data.Store.QueryAsync("c", new VectorQuery(query, 10, filter), Ct);
            Assert.Equal(Math.Min(10, Clustered.Count / modulus), hits.Count);
            Assert.All(hits, h => Assert.Equal(0, int.Parse(h.Id[1..], System.Globalization.CultureInfo.InvariantCulture) % modulus));
        }
        var recall = await RecallAt10(data.Store, "c", data.Queries.Take(20), filter);
        Assert.True(recall >= 0.95, $"filtered recall@10 {recall:F3}");
    }

    [Theory]
    [InlineData(Distance.Dot)]
    [InlineData(Distance.Euclid)]
    public async Task Dot_and_euclid_reach_the_same_recall(Distance distance)
    {
        using var store = new EmbeddedVectorStore();
        await store.CreateCollectionAsync("d", new CollectionSpec(32, distance) { Index = Hnsw }, Ct);
        var vectors = ClusteredVectors(4050, 32, seed: 3);
        await store.UpsertAsync("d", Points(vectors[..4000]), Ct);

        var recall = await RecallAt10(store, "d", vectors[4000..]);

        Assert.True(recall >= 0.95, $"{distance} recall@10 {recall:F3}");
    }

    [Fact]
    public async Task Deleted_points_are_never_returned_and_the_graph_still_finds_the_rest()
    {
        using var store = new EmbeddedVectorStore();
        await store.CreateCollectionAsync("d", new CollectionSpec(32) { Index = Hnsw }, Ct);
        var vectors = ClusteredVectors(4000, 32, seed: 5);
        await store.UpsertAsync("d", Points(vectors), Ct);
        // Delete every query's current best hits and half of all points: the tombstones stay in the graph as paths.
        var deleted = Enumerable.Range(0, 4000).Where(i => i % 2 == 0).Select(i => $"p{i}").ToHashSet();
        await store.DeleteAsync("d", [.. deleted], Ct);

        foreach (var query in vectors.Take(40))
        {
            var hits = await store.QueryAsync("d", new VectorQuery(query, 10), Ct);
            Assert.Equal(10, hits.Count);
            Assert.DoesNotContain(hits, h => deleted.Contains(h.Id));
        }
        Assert.True(await RecallAt10(store, "d", vectors.Take(40)) >= 0.95);
    }

    [Fact]
    public async Task Compaction_rebuilds_the_graph_over_the_renumbered_slots()
    {
        using var store = new EmbeddedVectorStore();
        await store.CreateCollectionAsync("k", new CollectionSpec(32) { Index = Hnsw }, Ct);
        var vectors = ClusteredVectors(3000, 32, seed: 13);
        await store.UpsertAsync("k", Points(vectors), Ct);
        var deleted = Enumerable.Range(0, 3000).Where(i => i % 3 == 0).Select(i => $"p{i}").ToList();
        await store.DeleteAsync("k", deleted, Ct);

        await store.CompactAsync("k", Ct);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await store.GetCollectionAsync("k", Ct))!.Index!.State != "ready" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal("ready", (await store.GetCollectionAsync("k", Ct))!.Index!.State);
        Assert.True(await RecallAt10(store, "k", vectors.Skip(1).Take(30)) >= 0.95);
        var hits = await store.QueryAsync("k", new VectorQuery(vectors[1], 10), Ct);
        Assert.Equal("p1", hits[0].Id);
        Assert.DoesNotContain(hits, h => deleted.Contains(h.Id));
    }

    [Fact]
    public async Task Upserts_during_queries_are_safe_and_every_upserted_point_is_findable()
    {
        using var store = new EmbeddedVectorStore();
        await store.CreateCollectionAsync("w", new CollectionSpec(32) { Index = Hnsw }, Ct);
        var vectors = ClusteredVectors(3000, 32, seed: 9);
        var points = Points(vectors);
        await store.UpsertAsync("w", points[..1500], Ct);

        using var stop = new CancellationTokenSource();
        // Writes start only once both readers run, so a loaded machine cannot finish the writes before any query.
        var running = Enumerable.Range(0, 2).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
        {
            var queries = 0;
            while (!stop.IsCancellationRequested)
            {
                var hits = await store.QueryAsync("w", new VectorQuery(vectors[((queries * 7) + r) % vectors.Length], 10), Ct);
                Assert.Equal(10, hits.Count);
                queries++;
                running[r].TrySetResult();
                await Task.Yield();
            }
            return queries;
        }, Ct)).ToArray();
        // A reader that fails before its first answer ends the wait too; its exception surfaces below.
        await Task.WhenAny(Task.WhenAll(running.Select(t => t.Task)), Task.WhenAny(readers));
        foreach (var batch in points[1500..].Chunk(100))
        {
            await store.UpsertAsync("w", batch, Ct);
        }
        // Re-upserting moved vectors relinks them in the graph.
        await store.UpsertAsync("w", [.. points[..200].Select((p, i) => p with { Vector = vectors[2999 - i] })], Ct);
        await stop.CancelAsync();
        Assert.All(await Task.WhenAll(readers), q => Assert.True(q > 0));

        // Each point's own vector finds it (those moved by the re-upsert excepted: they are duplicates now).
        foreach (var i in Enumerable.Range(200, 2600).Where(i => i % 20 == 0))
        {
            var hits = await store.QueryAsync("w", new VectorQuery(vectors[i], 3), Ct);
            Assert.Contains($"p{i}", hits.Select(h => h.Id));
        }
    }

    [Fact]
    public async Task A_reloaded_collection_answers_exactly_at_once_and_its_index_becomes_ready()
    {
        using var directory = new TempDirectory();
        var vectors = ClusteredVectors(5000, 32, seed: 11);
        using (var first = new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { PersistDirectory = directory.Path }))
        {
            await first.CreateCollectionAsync("p", new CollectionSpec(32) { Index = Hnsw with { M = 12 } }, Ct);
            await first.UpsertAsync("p", Points(vectors), Ct);
        }

        using var reopened = new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { PersistDirectory = directory.Path });
        // While the index builds, each answer equals the exact one: the graph is used only once ready.
        foreach (var query in vectors.Take(20))
        {
            var exact = await reopened.QueryAsync("p", new VectorQuery(query, 10, Exact: true), Ct);
            var answer = await reopened.QueryAsync("p", new VectorQuery(query, 10), Ct);
            // Building → ready happens once, so "building" after the answer means it was answered while building.
            if ((await reopened.GetCollectionAsync("p", Ct))!.Index!.State == "building")
            {
                Assert.Equal(exact.Select(h => h.Id), answer.Select(h => h.Id));
            }
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await reopened.GetCollectionAsync("p", Ct))!.Index!.State != "ready" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Ct);
        }
        Assert.Equal(new VectorIndexInfo(VectorIndexType.Hnsw, 12, 100, "ready", 1), (await reopened.GetCollectionAsync("p", Ct))!.Index);
        Assert.True(await RecallAt10(reopened, "p", vectors.Take(20)) >= 0.95);
    }
}
