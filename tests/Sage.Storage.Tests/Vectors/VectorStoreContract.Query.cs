using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors;

public abstract partial class VectorStoreContract
{
    [Fact]
    public async Task Query_Cosine_ScoresSimilarity_HighestFirst()
    {
        var name = await NewCollectionAsync(2, Distance.Cosine);
        await Store.UpsertAsync(name, [Point("a", [2, 0]), Point("b", [1, 1]), Point("c", [0, 3]), Point("d", [-1, 0])], Ct);
        var hits = await Store.QueryAsync(name, new VectorQuery(new float[] { 5, 0 }, TopK: 10), Ct);
        Assert.Equal(["a", "b", "c", "d"], hits.Select(h => h.Id));
        Assert.Equal([1.0, Math.Sqrt(0.5), 0.0, -1.0], hits.Select(h => (double)h.Score), new ToleranceComparer(1e-4));
    }

    [Fact]
    public async Task Query_Dot_ScoresDotProduct_HighestFirst()
    {
        var name = await NewCollectionAsync(3, Distance.Dot);
        await Store.UpsertAsync(name, [Point("a", [1, 2, 0]), Point("b", [3, 0, 1]), Point("c", [0, -1, 0])], Ct);
        var hits = await Store.QueryAsync(name, new VectorQuery(new float[] { 2, 1, 0.5f }), Ct);
        Assert.Equal(["b", "a", "c"], hits.Select(h => h.Id));
        Assert.Equal([6.5, 4.0, -1.0], hits.Select(h => (double)h.Score), new ToleranceComparer(1e-4));
    }

    [Fact]
    public async Task Query_Euclid_ScoresDistance_LowestFirst()
    {
        var name = await NewCollectionAsync(2, Distance.Euclid);
        await Store.UpsertAsync(name, [Point("far", [3, 4]), Point("near", [0, 0]), Point("mid", [1, 1])], Ct);
        var hits = await Store.QueryAsync(name, new VectorQuery(new float[] { 0, 0 }), Ct);
        Assert.Equal(["near", "mid", "far"], hits.Select(h => h.Id));
        Assert.Equal([0.0, Math.Sqrt(2), 5.0], hits.Select(h => (double)h.Score), new ToleranceComparer(1e-4));
    }

    [Fact]
    public async Task Query_ReturnsAtMostTopK_BestFirst()
    {
        var name = await NewCollectionAsync(2, Distance.Dot);
        await Store.UpsertAsync(name, Enumerable.Range(0, 50).Select(i => Point($"p{i}", [i, 0])).ToList(), Ct);
        var hits = await Store.QueryAsync(name, new VectorQuery(new float[] { 1, 0 }, TopK: 3), Ct);
        Assert.Equal(["p49", "p48", "p47"], hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Query_FiltersBeforeRanking()
    {
        var name = await NewCollectionAsync(2, Distance.Dot);
        // The three "rare" points rank last of 40; a filter must still return all three, not an empty top-3.
        await Store.UpsertAsync(name, Enumerable.Range(0, 40).Select(i => Point($"p{i}", [i, 0], i < 3 ? """{"rare":true}""" : """{"rare":false}""")).ToList(), Ct);
        var hits = await Store.QueryAsync(name, new VectorQuery(new float[] { 1, 0 }, TopK: 3, Filter: Filter("""{"must":[{"key":"rare","match":{"value":true}}]}""")), Ct);
        Assert.Equal(["p2", "p1", "p0"], hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Query_ScoreThreshold_KeepsScoresAtOrAboveIt_ForSimilarity()
    {
        var name = await NewCollectionAsync(2, Distance.Cosine);
        await Store.UpsertAsync(name, [Point("a", [1, 0]), Point("b", [1, 1]), Point("c", [0, 1])], Ct);
        var hits = await Store.QueryAsync(name, new VectorQuery(new float[] { 1, 0 }, ScoreThreshold: 0.5f), Ct);
        Assert.Equal(["a", "b"], hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Query_ScoreThreshold_KeepsDistancesAtOrBelowIt_ForEuclid()
    {
        var name = await NewCollectionAsync(2, Distance.Euclid);
        await Store.UpsertAsync(name, [Point("a", [0, 1]), Point("b", [0, 2]), Point("c", [0, 4])], Ct);
        var hits = await Store.QueryAsync(name, new VectorQuery(new float[] { 0, 0 }, ScoreThreshold: 2.5f), Ct);
        Assert.Equal(["a", "b"], hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Query_WithVectorAndMetadata_AreHonoured()
    {
        var name = await NewCollectionAsync(2, Distance.Dot);
        await Store.UpsertAsync(name, [Point("a", [1, 2], """{"k":"v"}""")], Ct);

        var bare = Assert.Single(await Store.QueryAsync(name, new VectorQuery(new float[] { 1, 0 }, WithVector: false, WithMetadata: false), Ct));
        Assert.Null(bare.Vector);
        Assert.Null(bare.Metadata);

        var full = Assert.Single(await Store.QueryAsync(name, new VectorQuery(new float[] { 1, 0 }, WithVector: true, WithMetadata: true), Ct));
        Assert.Equal([1f, 2f], full.Vector!.Value.ToArray());
        AssertJsonEqual("""{"k":"v"}""", full.Metadata);
    }

    [Fact]
    public async Task Query_EmptyCollection_ReturnsNothing()
    {
        var name = await NewCollectionAsync();
        Assert.Empty(await Store.QueryAsync(name, new VectorQuery(new float[] { 1, 0 }), Ct));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
