using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors;

public abstract partial class VectorStoreContract
{
    [Fact]
    public async Task Upsert_ThenGet_ReturnsVectorsAndMetadata_InTheOrderAsked()
    {
        var name = await NewCollectionAsync(3, Distance.Dot);
        await Store.UpsertAsync(name, [
            Point("a", [1, 2, 3], """{"tag":"x","n":1,"nested":{"ok":true}}"""),
            Point("b", [4, 5, 6]),
        ], Ct);

        var points = await Store.GetAsync(name, ["b", "missing", "a"], cancellationToken: Ct);

        Assert.Equal(["b", "a"], points.Select(p => p.Id));
        Assert.Equal([4f, 5f, 6f], points[0].Vector!.Value.ToArray());
        Assert.Equal([1f, 2f, 3f], points[1].Vector!.Value.ToArray());
        AssertJsonEqual("""{"tag":"x","n":1,"nested":{"ok":true}}""", points[1].Metadata);
        Assert.True(points[0].Metadata is null || points[0].Metadata!.Value.ValueKind is System.Text.Json.JsonValueKind.Null
            || (points[0].Metadata!.Value.ValueKind is System.Text.Json.JsonValueKind.Object && !points[0].Metadata!.Value.EnumerateObject().Any()));
        Assert.Equal(2, (await Store.GetCollectionAsync(name, Ct))!.PointCount);
    }

    [Fact]
    public async Task Get_WithoutVectorOrMetadata_LeavesThemNull()
    {
        var name = await NewCollectionAsync(2, Distance.Dot);
        await Store.UpsertAsync(name, [Point("a", [1, 2], """{"k":1}""")], Ct);
        var point = Assert.Single(await Store.GetAsync(name, ["a"], withVector: false, withMetadata: false, Ct));
        Assert.Null(point.Vector);
        Assert.Null(point.Metadata);
    }

    [Fact]
    public async Task Cosine_StoresUnitVectors_AsQdrantDoes()
    {
        var name = await NewCollectionAsync(2, Distance.Cosine);
        await Store.UpsertAsync(name, [Point("a", [3, 4])], Ct);
        var vector = Assert.Single(await Store.GetAsync(name, ["a"], cancellationToken: Ct)).Vector!.Value.ToArray();
        Assert.Equal(0.6, vector[0], 1e-5);
        Assert.Equal(0.8, vector[1], 1e-5);
    }

    [Fact]
    public async Task Upsert_ExistingId_ReplacesVectorAndMetadata()
    {
        var name = await NewCollectionAsync(2, Distance.Dot);
        await Store.UpsertAsync(name, [Point("a", [1, 1], """{"v":1}"""), Point("b", [2, 2])], Ct);
        await Store.UpsertAsync(name, [Point("a", [9, 8], """{"v":2}""")], Ct);
        var point = Assert.Single(await Store.GetAsync(name, ["a"], cancellationToken: Ct));
        Assert.Equal([9f, 8f], point.Vector!.Value.ToArray());
        AssertJsonEqual("""{"v":2}""", point.Metadata);
        Assert.Equal(2, await Store.CountAsync(name, null, Ct));
    }

    [Fact]
    public async Task Update_ReplacesOnlyWhatIsGiven()
    {
        var name = await NewCollectionAsync(2, Distance.Dot);
        await Store.UpsertAsync(name, [Point("a", [1, 1], """{"v":1}""")], Ct);

        Assert.True(await Store.UpdateAsync(name, new PointUpdate("a", Vector: new float[] { 5, 6 }), Ct));
        var afterVector = Assert.Single(await Store.GetAsync(name, ["a"], cancellationToken: Ct));
        Assert.Equal([5f, 6f], afterVector.Vector!.Value.ToArray());
        AssertJsonEqual("""{"v":1}""", afterVector.Metadata);

        Assert.True(await Store.UpdateAsync(name, new PointUpdate("a", Metadata: Json("""{"v":2,"w":"x"}""")), Ct));
        var afterMetadata = Assert.Single(await Store.GetAsync(name, ["a"], cancellationToken: Ct));
        Assert.Equal([5f, 6f], afterMetadata.Vector!.Value.ToArray());
        AssertJsonEqual("""{"v":2,"w":"x"}""", afterMetadata.Metadata);

        var hits = await Store.QueryAsync(name, new VectorQuery(new float[] { 1, 0 }, Filter: Filter("""{"must":[{"key":"w","match":{"value":"x"}}]}""")), Ct);
        Assert.Equal(5f, Assert.Single(hits).Score, 1e-4);
    }

    [Fact]
    public async Task Update_UnknownPoint_ReturnsFalse()
    {
        var name = await NewCollectionAsync();
        Assert.False(await Store.UpdateAsync(name, new PointUpdate("nope", Metadata: Json("{}")), Ct));
        Assert.Equal(0, await Store.CountAsync(name, null, Ct));
    }

    [Fact]
    public async Task Delete_ReturnsHowManyExisted()
    {
        var name = await NewCollectionAsync();
        await Store.UpsertAsync(name, [Point("a", [1, 0]), Point("b", [0, 1]), Point("c", [1, 1])], Ct);
        Assert.Equal(2, await Store.DeleteAsync(name, ["a", "c", "zzz"], Ct));
        Assert.Equal(["b"], (await Store.GetAsync(name, ["a", "b", "c"], cancellationToken: Ct)).Select(p => p.Id));
        Assert.Equal(1, (await Store.GetCollectionAsync(name, Ct))!.PointCount);
        Assert.Equal(["b"], (await Store.QueryAsync(name, new VectorQuery(new float[] { 1, 0 }), Ct)).Select(p => p.Id));
    }

    [Fact]
    public async Task DeleteByFilter_RemovesExactlyTheMatchingPoints()
    {
        var name = await NewCollectionAsync();
        await Store.UpsertAsync(name, [
            Point("a", [1, 0], """{"kind":"old"}"""),
            Point("b", [0, 1], """{"kind":"new"}"""),
            Point("c", [1, 1], """{"kind":"old"}"""),
            Point("d", [1, 2]),
        ], Ct);
        Assert.Equal(2, await Store.DeleteByFilterAsync(name, Filter("""{"must":[{"key":"kind","match":{"value":"old"}}]}"""), Ct));
        Assert.Equal(["b", "d"], await AllIdsAsync(name));
    }

    [Fact]
    public async Task Compact_KeepsEveryPointAndResult()
    {
        var name = await NewCollectionAsync(2, Distance.Dot);
        var points = Enumerable.Range(0, 30).Select(i => Point($"p{i}", [i, 30 - i], $$"""{"i":{{i}}}""")).ToList();
        await Store.UpsertAsync(name, points, Ct);
        await Store.DeleteAsync(name, Enumerable.Range(0, 30).Where(i => i % 3 == 0).Select(i => $"p{i}").ToList(), Ct);
        var query = new VectorQuery(new float[] { 1, 0.5f }, TopK: 5);
        var before = await Store.QueryAsync(name, query, Ct);

        var info = await Store.CompactAsync(name, Ct);

        Assert.Equal(20, info.PointCount);
        var after = await Store.QueryAsync(name, query, Ct);
        Assert.Equal(before.Select(p => (p.Id, p.Score)), after.Select(p => (p.Id, p.Score)));
        AssertJsonEqual("""{"i":29}""", after[0].Metadata);
        Assert.Equal(20, (await AllIdsAsync(name)).Length);
    }

    [Fact]
    public async Task Scroll_CoversEveryPointExactlyOnce()
    {
        var name = await NewCollectionAsync();
        var ids = Enumerable.Range(0, 23).Select(i => $"id-{i:D3}").ToList();
        await Store.UpsertAsync(name, ids.Select((id, i) => Point(id, [i + 1, 1])).ToList(), Ct);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Store.ScrollAsync(name, new ScrollRequest(Cursor: cursor, Limit: 5, WithVector: true), Ct);
            Assert.True(page.Points.Count <= 5);
            Assert.All(page.Points, p => Assert.NotNull(p.Vector));
            seen.AddRange(page.Points.Select(p => p.Id));
            cursor = page.NextCursor;
            Assert.True(++pages <= 10, "scroll did not end");
        }
        while (cursor is not null);

        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task Scroll_WithFilter_PagesOnlyMatchingPoints()
    {
        var name = await NewCollectionAsync();
        await Store.UpsertAsync(name, Enumerable.Range(0, 12).Select(i => Point($"p{i:D2}", [1, i], $$"""{"even":{{(i % 2 == 0 ? "true" : "false")}}}""")).ToList(), Ct);
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Store.ScrollAsync(name, new ScrollRequest(Filter("""{"must":[{"key":"even","match":{"value":true}}]}"""), cursor, 4, WithMetadata: false), Ct);
            Assert.All(page.Points, p => Assert.Null(p.Metadata));
            seen.AddRange(page.Points.Select(p => p.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal(["p00", "p02", "p04", "p06", "p08", "p10"], seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Count_WithAndWithoutFilter()
    {
        var name = await NewCollectionAsync();
        await Store.UpsertAsync(name, Enumerable.Range(0, 10).Select(i => Point($"p{i}", [1, i], $$"""{"n":{{i}}}""")).ToList(), Ct);
        Assert.Equal(10, await Store.CountAsync(name, null, Ct));
        Assert.Equal(4, await Store.CountAsync(name, Filter("""{"must":[{"key":"n","range":{"gte":6}}]}"""), Ct));
    }

    /// <summary>Every id in a collection, sorted ordinally, read through scroll.</summary>
    protected async Task<string[]> AllIdsAsync(string name, VectorFilter? filter = null)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Store.ScrollAsync(name, new ScrollRequest(filter, cursor, 1000, WithMetadata: false), Ct);
            ids.AddRange(page.Points.Select(p => p.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return ids.Order(StringComparer.Ordinal).ToArray();
    }
}
