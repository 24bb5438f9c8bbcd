using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors;

public abstract partial class VectorStoreContract
{
    public static TheoryData<string, float[]> BadVectors => new()
    {
        { "too short", [1, 2] },
        { "too long", [1, 2, 3, 4] },
        { "empty", [] },
        { "NaN", [1, float.NaN, 3] },
        { "infinity", [1, 2, float.PositiveInfinity] },
    };

    [Theory]
    [MemberData(nameof(BadVectors))]
    public async Task Upsert_BadVector_IsInvalid_NamingIt_AndWritesNothing(string why, float[] bad)
    {
        var name = await NewCollectionAsync(3, Distance.Dot);
        await Store.UpsertAsync(name, [Point("keep", [1, 1, 1], """{"v":1}""")], Ct);

        var exception = await ThrowsStorage(StorageError.Invalid, "vectors[2].vector", () => Store.UpsertAsync(name, [
            Point("keep", [9, 9, 9], """{"v":2}"""),
            Point("new", [1, 2, 3]),
            Point("bad", bad),
        ], Ct));

        Assert.False(string.IsNullOrWhiteSpace(exception.Message), why);
        await AssertUnchangedAsync(name);
    }

    [Fact]
    public async Task Upsert_DuplicateIds_AreInvalid_AndWriteNothing()
    {
        var name = await NewCollectionAsync(3, Distance.Dot);
        await Store.UpsertAsync(name, [Point("keep", [1, 1, 1], """{"v":1}""")], Ct);
        await ThrowsStorage(StorageError.Invalid, "vectors[2].id", () => Store.UpsertAsync(name, [
            Point("new", [1, 2, 3]), Point("keep", [9, 9, 9], """{"v":2}"""), Point("new", [3, 2, 1])], Ct));
        await AssertUnchangedAsync(name);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    public async Task Upsert_MetadataNotAnObject_IsInvalid(string metadata)
    {
        var name = await NewCollectionAsync(3, Distance.Dot);
        await Store.UpsertAsync(name, [Point("keep", [1, 1, 1], """{"v":1}""")], Ct);
        await ThrowsStorage(StorageError.Invalid, "vectors[1].metadata", () => Store.UpsertAsync(name, [Point("new", [1, 2, 3]), Point("x", [1, 2, 3], metadata)], Ct));
        await AssertUnchangedAsync(name);
    }

    [Fact]
    public async Task Upsert_EmptyId_IsInvalid()
    {
        var name = await NewCollectionAsync(3, Distance.Dot);
        await Store.UpsertAsync(name, [Point("keep", [1, 1, 1], """{"v":1}""")], Ct);
        await ThrowsStorage(StorageError.Invalid, "vectors[0].id", () => Store.UpsertAsync(name, [Point("", [1, 2, 3])], Ct));
        await AssertUnchangedAsync(name);
    }

    [Fact]
    public async Task Upsert_OverTheBatchLimit_IsTooLarge()
    {
        var name = await NewCollectionAsync(2, Distance.Dot);
        var points = Enumerable.Range(0, VectorRequestValidator.DefaultMaxBatchSize + 1).Select(i => Point($"p{i}", [1, i])).ToList();
        await ThrowsStorage(StorageError.TooLarge, null, () => Store.UpsertAsync(name, points, Ct));
        Assert.Equal(0, await Store.CountAsync(name, null, Ct));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    public async Task Query_TopKOutOfRange_IsInvalid(int topK)
    {
        var name = await NewCollectionAsync();
        await ThrowsStorage(StorageError.Invalid, "top_k", () => Store.QueryAsync(name, new VectorQuery(new float[] { 1, 0 }, TopK: topK), Ct));
    }

    [Fact]
    public async Task Query_BadVector_IsInvalid()
    {
        var name = await NewCollectionAsync();
        await ThrowsStorage(StorageError.Invalid, "vector", () => Store.QueryAsync(name, new VectorQuery(new float[] { 1, 0, 0 }), Ct));
        await ThrowsStorage(StorageError.Invalid, "vector", () => Store.QueryAsync(name, new VectorQuery(new float[] { float.NaN, 0 }), Ct));
    }

    [Fact]
    public async Task Update_BadVectorOrMetadata_IsInvalid_AndChangesNothing()
    {
        var name = await NewCollectionAsync(3, Distance.Dot);
        await Store.UpsertAsync(name, [Point("keep", [1, 1, 1], """{"v":1}""")], Ct);
        await ThrowsStorage(StorageError.Invalid, "vector", () => Store.UpdateAsync(name, new PointUpdate("keep", new float[] { 1, 2 }), Ct));
        await ThrowsStorage(StorageError.Invalid, "metadata", () => Store.UpdateAsync(name, new PointUpdate("keep", Metadata: Json("[1]")), Ct));
        await AssertUnchangedAsync(name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public async Task Scroll_LimitOutOfRange_IsInvalid(int limit)
    {
        var name = await NewCollectionAsync();
        await ThrowsStorage(StorageError.Invalid, "limit", () => Store.ScrollAsync(name, new ScrollRequest(Limit: limit), Ct));
    }

    [Fact]
    public async Task Scroll_GarbageCursor_IsInvalid()
    {
        var name = await NewCollectionAsync();
        await ThrowsStorage(StorageError.Invalid, "cursor", () => Store.ScrollAsync(name, new ScrollRequest(Cursor: "%%not a cursor%%"), Ct));
    }

    private async Task AssertUnchangedAsync(string name)
    {
        Assert.Equal(1, await Store.CountAsync(name, null, Ct));
        var kept = Assert.Single(await Store.GetAsync(name, ["keep", "new"], cancellationToken: Ct));
        Assert.Equal([1f, 1f, 1f], kept.Vector!.Value.ToArray());
        AssertJsonEqual("""{"v":1}""", kept.Metadata);
    }
}
