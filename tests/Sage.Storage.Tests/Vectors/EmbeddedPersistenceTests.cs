using System.Text.Json;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;

namespace Sage.Storage.Tests.Vectors;

public sealed class EmbeddedPersistenceTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private EmbeddedVectorStore Open() => new(new EmbeddedVectorStoreOptions { PersistDirectory = _directory.Path });

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void WithoutPersistDirectory_IsInMemoryOnly()
    {
        using var memory = new EmbeddedVectorStore();
        Assert.False(memory.IsPersistent);
        using var persistent = Open();
        Assert.True(persistent.IsPersistent);
    }

    [Fact]
    public async Task EveryWrite_SurvivesReopen_MetadataIncluded()
    {
        List<string> expected;
        using (var store = Open())
        {
            await store.CreateCollectionAsync("cos", new CollectionSpec(3, Distance.Cosine), Ct);
            await store.CreateCollectionAsync("euc", new CollectionSpec(2, Distance.Euclid), Ct);
            await store.CreateCollectionAsync("gone", new CollectionSpec(2), Ct);
            await store.UpsertAsync("cos", Enumerable.Range(0, 50).Select(i => new VectorPoint($"p{i}", new float[] { i, 1, -i }, Json($$$"""{"i":{{{i}}},"tags":["t{{{i % 3}}}"],"deep":{"x":"é✓"}}"""))).ToList(), Ct);
            await store.UpsertAsync("euc", [new VectorPoint("a", new float[] { 1, 2 }), new VectorPoint("b", new float[] { 3, 4 }, Json("""{"k":"v"}"""))], Ct);
            await store.UpsertAsync("gone", [new VectorPoint("x", new float[] { 1, 2 })], Ct);
            await store.UpdateAsync("cos", new PointUpdate("p1", Metadata: Json("""{"updated":true}""")), Ct);
            await store.UpdateAsync("cos", new PointUpdate("p2", Vector: new float[] { 0, 0, 7 }), Ct);
            await store.DeleteAsync("cos", ["p3", "p4"], Ct);
            await store.DeleteByFilterAsync("cos", VectorFilterParser.Parse(Json("""{"must":[{"key":"tags","match":{"value":"t0"}}]}""")), Ct);
            await store.DeleteCollectionAsync("gone", Ct);
            expected = await SnapshotAsync(store);
        }

        using var reopened = Open();
        Assert.Equal(["cos", "euc"], (await reopened.ListCollectionsAsync(Ct)).Select(c => c.Name));
        Assert.Equal(new CollectionSpec(2, Distance.Euclid), new CollectionSpec((await reopened.GetCollectionAsync("euc", Ct))!.Dimension, Distance.Euclid));
        Assert.Equal(expected, await SnapshotAsync(reopened));
        var p1 = Assert.Single(await reopened.GetAsync("cos", ["p1"], cancellationToken: Ct));
        Assert.Equal("""{"updated":true}""", p1.Metadata!.Value.GetRawText());
        var p2 = Assert.Single(await reopened.GetAsync("cos", ["p2"], cancellationToken: Ct));
        Assert.Equal([0f, 0f, 1f], p2.Vector!.Value.ToArray());
        Assert.Equal("é✓", (await reopened.GetAsync("cos", ["p5"], cancellationToken: Ct))[0].Metadata!.Value.GetProperty("deep").GetProperty("x").GetString());
    }

    [Fact]
    public async Task Compaction_ReclaimsTombstones_AndKeepsResultsAcrossReopen()
    {
        var query = new VectorQuery(new float[] { 0.3f, -1, 0.5f, 2 }, TopK: 7, WithVector: true);
        IReadOnlyList<ScoredPoint> before;
        using (var store = Open())
        {
            await store.CreateCollectionAsync("c", new CollectionSpec(4, Distance.Dot), Ct);
            var random = new Random(7);
            await store.UpsertAsync("c", Enumerable.Range(0, 600).Select(i => new VectorPoint($"p{i}", RandomVector(random, 4), Json($$"""{"i":{{i}}}"""))).ToList(), Ct);
            await store.DeleteAsync("c", Enumerable.Range(0, 600).Where(i => i % 2 == 0).Select(i => $"p{i}").ToList(), Ct);
            before = await store.QueryAsync("c", query, Ct);
            var bytesBefore = (await store.GetCollectionAsync("c", Ct))!.BytesUsed;

            var info = await store.CompactAsync("c", Ct);

            Assert.Equal(300, info.PointCount);
            Assert.True(info.BytesUsed < bytesBefore * 0.7, $"compaction reclaimed too little: {bytesBefore} -> {info.BytesUsed}");
            Assert.True(info.BytesUsed >= 300L * 4 * sizeof(float));
            AssertSameHits(before, await store.QueryAsync("c", query, Ct));
            await store.UpsertAsync("c", [new VectorPoint("new", new float[] { 1, 1, 1, 1 })], Ct);
            Assert.Equal(301, await store.CountAsync("c", null, Ct));
            await store.DeleteAsync("c", ["new"], Ct);
        }
        using var reopened = Open();
        AssertSameHits(before, await reopened.QueryAsync("c", query, Ct));
        Assert.Equal(300, await reopened.CountAsync("c", null, Ct));
    }

    internal static float[] RandomVector(Random random, int dimension) =>
        Enumerable.Range(0, dimension).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

    private static void AssertSameHits(IReadOnlyList<ScoredPoint> expected, IReadOnlyList<ScoredPoint> actual)
    {
        Assert.Equal(expected.Select(h => (h.Id, h.Score)), actual.Select(h => (h.Id, h.Score)));
        Assert.Equal(expected.Select(h => h.Vector!.Value.ToArray()), actual.Select(h => h.Vector!.Value.ToArray()));
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static async Task<List<string>> SnapshotAsync(IVectorStore store)
    {
        var lines = new List<string>();
        foreach (var collection in await store.ListCollectionsAsync(Ct))
        {
            lines.Add($"{collection.Name} {collection.Dimension} {collection.Distance} {collection.PointCount}");
            var page = await store.ScrollAsync(collection.Name, new ScrollRequest(Limit: 10_000, WithVector: true), Ct);
            lines.AddRange(page.Points.Select(p => $"{p.Id} [{string.Join(',', p.Vector!.Value.ToArray())}] {p.Metadata?.GetRawText()}"));
        }
        return lines;
    }
}
