using System.Text.Json;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;

namespace Sage.Storage.Tests.Vectors;

/// <summary>Exactness against a brute-force reference, and concurrency of queries with writes.</summary>
public sealed class EmbeddedSearchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Distance.Cosine, 1_000_000)]
    [InlineData(Distance.Dot, 1_000_000)]
    [InlineData(Distance.Euclid, 1_000_000)]
    [InlineData(Distance.Cosine, 500)]
    [InlineData(Distance.Euclid, 500)]
    public async Task RecallAt10_IsExactlyOne_AgainstBruteForce(Distance distance, int parallelThreshold)
    {
        const int Dimension = 24, Count = 3000;
        var random = new Random(42);
        using var store = new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { ParallelScanThreshold = parallelThreshold });
        await store.CreateCollectionAsync("r", new CollectionSpec(Dimension, distance), Ct);
        var vectors = Enumerable.Range(0, Count).Select(_ => EmbeddedPersistenceTests.RandomVector(random, Dimension)).ToArray();
        await store.UpsertAsync("r", vectors.Select((v, i) => new VectorPoint($"p{i}", v, JsonDocument.Parse($$"""{"bucket":{{i % 5}}}""").RootElement)).ToList(), Ct);
        var bucketFilter = VectorFilterParser.Parse(JsonDocument.Parse("""{"must":[{"key":"bucket","match":{"value":3}}]}""").RootElement);

        for (var q = 0; q < 20; q++)
        {
            var query = EmbeddedPersistenceTests.RandomVector(random, Dimension);
            var filtered = q % 2 == 1;
            var expected = Enumerable.Range(0, Count)
                .Where(i => !filtered || i % 5 == 3)
                .Select(i => (Id: $"p{i}", Score: Reference(distance, query, vectors[i])))
                .OrderBy(p => distance == Distance.Euclid ? p.Score : -p.Score)
                .Take(10)
                .ToList();

            var hits = await store.QueryAsync("r", new VectorQuery(query, 10, filtered ? bucketFilter : null), Ct);

            Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Id));
            Assert.All(hits.Zip(expected), pair => Assert.Equal(pair.Second.Score, pair.First.Score, 1e-4));
        }
    }

    [Fact]
    public async Task Queries_RunConcurrentlyWithWrites_AndSeeWholePoints()
    {
        const int Dimension = 16;
        using var store = new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { ParallelScanThreshold = 1000 });
        await store.CreateCollectionAsync("c", new CollectionSpec(Dimension, Distance.Dot), Ct);
        await store.UpsertAsync("c", Enumerable.Range(0, 1500).Select(i => PointFor(i, Dimension)).ToList(), Ct);
        var writerDone = false;

        var writer = Task.Run(async () =>
        {
            for (var next = 1500; next < 3500; next += 50)
            {
                await store.UpsertAsync("c", Enumerable.Range(next, 50).Select(i => PointFor(i, Dimension)).ToList(), CancellationToken.None);
                await store.DeleteAsync("c", Enumerable.Range(next - 1000, 25).Select(i => $"p{i}").ToList(), CancellationToken.None);
                if (next % 500 == 0) await store.CompactAsync("c", CancellationToken.None);
            }
            Volatile.Write(ref writerDone, true);
        }, CancellationToken.None);
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            var random = new Random(r);
            var queries = 0;
            // Every reader runs at least 20 queries and keeps going until the writer is done.
            while (!Volatile.Read(ref writerDone) || queries < 20)
            {
                var hits = await store.QueryAsync("c", new VectorQuery(EmbeddedPersistenceTests.RandomVector(random, Dimension), 10, WithVector: true), CancellationToken.None);
                Assert.Equal(10, hits.Count);
                Assert.Equal(hits.Count, hits.Select(h => h.Id).Distinct().Count());
                Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));
                foreach (var hit in hits)
                {
                    var i = int.Parse(hit.Id[1..], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Equal(i, hit.Metadata!.Value.GetProperty("i").GetInt32());
                    Assert.Equal(VectorFor(i, Dimension), hit.Vector!.Value.ToArray());
                }
                queries++;
            }
            return queries;
        }, CancellationToken.None)).ToArray();

        await writer;
        Assert.All(await Task.WhenAll(readers), queries => Assert.True(queries >= 20));
        Assert.Equal(await store.CountAsync("c", null, Ct), (await AllPointsAsync(store)).Count);
    }

    private static async Task<List<StoredPoint>> AllPointsAsync(IVectorStore store) =>
        (await store.ScrollAsync("c", new ScrollRequest(Limit: 10_000), Ct)).Points.ToList();

    private static float[] VectorFor(int i, int dimension) => Enumerable.Range(0, dimension).Select(j => (float)Math.Sin(i + j)).ToArray();

    private static VectorPoint PointFor(int i, int dimension) =>
        new($"p{i}", VectorFor(i, dimension), JsonDocument.Parse($$"""{"i":{{i}}}""").RootElement);

    private static double Reference(Distance distance, float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0, sq = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
            sq += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
        }
        return distance switch
        {
            Distance.Cosine => dot / Math.Sqrt(na * nb),
            Distance.Dot => dot,
            _ => Math.Sqrt(sq),
        };
    }
}
