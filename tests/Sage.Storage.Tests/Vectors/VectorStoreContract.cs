using System.Text.Json;
using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors;

/// <summary>
/// The behaviour every <see cref="IVectorStore"/> backend must show. A backend's test class derives from this and
/// supplies <see cref="CreateStoreAsync"/>; nothing here depends on one backend's internals.
/// </summary>
public abstract partial class VectorStoreContract : IAsyncLifetime
{
    private readonly List<string> _collections = [];

    /// <summary>The store under test; created once per test.</summary>
    protected IVectorStore Store { get; private set; } = null!;

    /// <summary>Creates the store under test (fresh or shared; every test uses its own collection names).</summary>
    protected abstract Task<IVectorStore> CreateStoreAsync();

    /// <summary>A collection name no other test uses; override when a server is shared with other runs.</summary>
    protected virtual string NewCollectionName() => "t_" + Guid.NewGuid().ToString("N")[..16];

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _collections)
        {
            try { await Store.DeleteCollectionAsync(name); } catch (StorageException) { }
        }
        switch (Store)
        {
            case IAsyncDisposable asyncDisposable: await asyncDisposable.DisposeAsync(); break;
            case IDisposable disposable: disposable.Dispose(); break;
        }
        await CleanUpAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs after the store is disposed, e.g. to delete a temporary directory.</summary>
    protected virtual ValueTask CleanUpAsync() => ValueTask.CompletedTask;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    protected static VectorFilter Filter(string json) => VectorFilterParser.Parse(Json(json));

    protected static VectorPoint Point(string id, float[] vector, string? metadata = null) =>
        new(id, vector, metadata is null ? null : Json(metadata));

    /// <summary>Creates a fresh collection, remembered for clean-up.</summary>
    protected async Task<string> NewCollectionAsync(int dimension = 2, Distance distance = Distance.Cosine)
    {
        var name = NewCollectionName();
        _collections.Add(name);
        await Store.CreateCollectionAsync(name, new CollectionSpec(dimension, distance), Ct);
        return name;
    }

    protected static async Task<StorageException> ThrowsStorage(StorageError error, string? field, Func<Task> action)
    {
        var exception = await Assert.ThrowsAsync<StorageException>(action);
        Assert.Equal(error, exception.Error);
        if (field is not null)
        {
            Assert.Equal(field, exception.Field);
        }
        return exception;
    }

    protected static void AssertJsonEqual(string expected, JsonElement? actual)
    {
        Assert.NotNull(actual);
        Assert.True(JsonElement.DeepEquals(Json(expected), actual.Value), $"Expected {expected}, got {actual.Value.GetRawText()}");
    }

    [Fact]
    public async Task Backend_IsNamed_AndPingAnswers()
    {
        Assert.False(string.IsNullOrWhiteSpace(Store.Backend));
        Assert.True(await Store.PingAsync(Ct) >= TimeSpan.Zero);
    }

    [Fact]
    public async Task CreateCollection_ReturnsItsInfo()
    {
        var name = NewCollectionName();
        _collections.Add(name);
        var info = await Store.CreateCollectionAsync(name, new CollectionSpec(3, Distance.Dot), Ct);
        Assert.Equal(name, info.Name);
        Assert.Equal(3, info.Dimension);
        Assert.Equal(Distance.Dot, info.Distance);
        Assert.Equal(0, info.PointCount);
        Assert.True(info.BytesUsed >= 0);
    }

    [Fact]
    public async Task CreateCollection_SameSpecTwice_IsIdempotent()
    {
        var name = await NewCollectionAsync(4, Distance.Euclid);
        await Store.UpsertAsync(name, [Point("a", [1, 2, 3, 4])], Ct);
        var again = await Store.CreateCollectionAsync(name, new CollectionSpec(4, Distance.Euclid), Ct);
        Assert.Equal(1, again.PointCount);
    }

    [Theory]
    [InlineData(5, Distance.Cosine)]
    [InlineData(4, Distance.Dot)]
    public async Task CreateCollection_OtherSpec_IsConflict(int dimension, Distance distance)
    {
        var name = await NewCollectionAsync(4, Distance.Cosine);
        await ThrowsStorage(StorageError.Conflict, null, () => Store.CreateCollectionAsync(name, new CollectionSpec(dimension, distance), Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a/b")]
    [InlineData("dot.name")]
    [InlineData("x123456789x123456789x123456789x123456789x123456789x123456789xxxxx")]
    public async Task CreateCollection_InvalidName_IsInvalid(string name) =>
        await ThrowsStorage(StorageError.Invalid, "collection", () => Store.CreateCollectionAsync(name, new CollectionSpec(2), Ct));

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public async Task CreateCollection_InvalidDimension_IsInvalid(int dimension) =>
        await ThrowsStorage(StorageError.Invalid, "dimension", () => Store.CreateCollectionAsync(NewCollectionName(), new CollectionSpec(dimension), Ct));

    [Fact]
    public async Task GetCollection_Unknown_IsNull() => Assert.Null(await Store.GetCollectionAsync(NewCollectionName(), Ct));

    [Fact]
    public async Task ListCollections_IncludesEveryCreatedOne()
    {
        var first = await NewCollectionAsync();
        var second = await NewCollectionAsync(3, Distance.Euclid);
        var all = await Store.ListCollectionsAsync(Ct);
        Assert.Contains(all, c => c.Name == first && c.Dimension == 2 && c.Distance == Distance.Cosine);
        Assert.Contains(all, c => c.Name == second && c.Dimension == 3 && c.Distance == Distance.Euclid);
    }

    [Fact]
    public async Task DeleteCollection_RemovesItAndItsPoints()
    {
        var name = await NewCollectionAsync();
        await Store.UpsertAsync(name, [Point("a", [1, 0])], Ct);
        Assert.True(await Store.DeleteCollectionAsync(name, Ct));
        Assert.Null(await Store.GetCollectionAsync(name, Ct));
        Assert.False(await Store.DeleteCollectionAsync(name, Ct));
        await Store.CreateCollectionAsync(name, new CollectionSpec(2), Ct);
        Assert.Equal(0, await Store.CountAsync(name, null, Ct));
    }

    [Fact]
    public async Task UnknownCollection_IsNotFound_ForEveryPointOperation()
    {
        var name = NewCollectionName();
        await ThrowsStorage(StorageError.NotFound, null, () => Store.UpsertAsync(name, [Point("a", [1, 0])], Ct));
        await ThrowsStorage(StorageError.NotFound, null, () => Store.GetAsync(name, ["a"], cancellationToken: Ct));
        await ThrowsStorage(StorageError.NotFound, null, () => Store.UpdateAsync(name, new PointUpdate("a", Metadata: Json("{}")), Ct));
        await ThrowsStorage(StorageError.NotFound, null, () => Store.DeleteAsync(name, ["a"], Ct));
        await ThrowsStorage(StorageError.NotFound, null, () => Store.DeleteByFilterAsync(name, new VectorFilter(), Ct));
        await ThrowsStorage(StorageError.NotFound, null, () => Store.QueryAsync(name, new VectorQuery(new float[] { 1, 0 }), Ct));
        await ThrowsStorage(StorageError.NotFound, null, () => Store.ScrollAsync(name, new ScrollRequest(), Ct));
        await ThrowsStorage(StorageError.NotFound, null, () => Store.CountAsync(name, null, Ct));
        await ThrowsStorage(StorageError.NotFound, null, () => Store.CompactAsync(name, Ct));
    }
}
