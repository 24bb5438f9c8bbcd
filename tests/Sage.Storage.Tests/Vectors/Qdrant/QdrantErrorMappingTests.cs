using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Sage.Storage.Vectors;
using Sage.Testing.Qdrant;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>What Qdrant's answers and outages become: one <see cref="StorageException"/> kind each.</summary>
public sealed class QdrantErrorMappingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryCall_CarriesTheApiKeyHeader()
    {
        await using var store = await QdrantTestStore.StartAsync(apiKey: "s3cret");
        await store.CreateCollectionAsync("keyed", new CollectionSpec(2), Ct);
        await store.UpsertAsync("keyed", [new VectorPoint("a", new float[] { 1, 0 })], Ct);
        Assert.NotEmpty(store.StandIn.Calls);
        Assert.All(store.StandIn.Calls, call => Assert.Equal("s3cret", call.ApiKeyHeader));
    }

    [Fact]
    public async Task EveryWrite_WaitsUntilQdrantAppliedIt()
    {
        await using var store = await QdrantTestStore.StartAsync();
        await store.CreateCollectionAsync("c", new CollectionSpec(2, Distance.Dot), Ct);
        await store.UpsertAsync("c", [new VectorPoint("a", new float[] { 1, 0 }), new VectorPoint("b", new float[] { 0, 1 })], Ct);
        await store.UpdateAsync("c", new PointUpdate("a", new float[] { 2, 2 }, Json("""{"k":1}""")), Ct);
        await store.DeleteAsync("c", ["b"], Ct);
        await store.DeleteByFilterAsync("c", new VectorFilter(), Ct);

        Assert.Equal(5, store.StandIn.Writes.Count);
        Assert.All(store.StandIn.Writes, write => Assert.True(write.Wait));
    }

    [Fact]
    public async Task AWrongApiKey_IsUnavailable_NamingTheSetting()
    {
        await using var standIn = await QdrantStandIn.StartAsync(apiKey: "right", Ct);
        using var host = QdrantTestStore.Host($"Endpoint={standIn.Endpoint};Key=wrong");
        var exception = await Assert.ThrowsAsync<StorageException>(() => host.Services.GetRequiredService<IVectorStore>().ListCollectionsAsync(Ct));
        Assert.Equal(StorageError.Unavailable, exception.Error);
        Assert.Contains("API key", exception.Message);
        Assert.Contains("ConnectionStrings:qdrant", exception.Message);
    }

    [Theory]
    [InlineData(StatusCode.NotFound, StorageError.NotFound)]
    [InlineData(StatusCode.InvalidArgument, StorageError.Invalid)]
    [InlineData(StatusCode.AlreadyExists, StorageError.Conflict)]
    [InlineData(StatusCode.Internal, StorageError.Unavailable)]
    [InlineData(StatusCode.Unavailable, StorageError.Unavailable)]
    [InlineData(StatusCode.ResourceExhausted, StorageError.Unavailable)]
    [InlineData(StatusCode.FailedPrecondition, StorageError.Unavailable)]
    public async Task QdrantStatus_MapsToTheStorageError_KeepingQdrantsMessage(StatusCode status, StorageError expected)
    {
        await using var store = await QdrantTestStore.StartAsync();
        await store.CreateCollectionAsync("c", new CollectionSpec(2), Ct);
        store.StandIn.Fault = method => method == "/qdrant.Points/Count" ? new Status(status, "qdrant says no") : null;
        var exception = await Assert.ThrowsAsync<StorageException>(() => store.CountAsync("c", null, Ct));
        Assert.Equal(expected, exception.Error);
        Assert.Contains("qdrant says no", exception.Message);
        if (expected == StorageError.Unavailable)
        {
            Assert.NotNull(exception.RetryAfter);
        }
    }

    [Fact]
    public async Task MissingCollection_IsNotFound_NamingTheCollection_ButNullForGet()
    {
        await using var store = await QdrantTestStore.StartAsync();
        Assert.Null(await store.GetCollectionAsync("absent", Ct));
        var exception = await Assert.ThrowsAsync<StorageException>(() => store.CountAsync("absent", null, Ct));
        Assert.Equal((StorageError.NotFound, "collection"), (exception.Error, exception.Field));
        Assert.Contains("doesn't exist", exception.Message);
    }

    [Fact]
    public async Task DimensionMismatch_IsCaughtLocally_BeforeQdrantIsAsked()
    {
        await using var store = await QdrantTestStore.StartAsync();
        await store.CreateCollectionAsync("c", new CollectionSpec(3), Ct);
        var exception = await Assert.ThrowsAsync<StorageException>(() => store.UpsertAsync("c", [new VectorPoint("a", new float[] { 1, 2, 3 }), new VectorPoint("b", new float[] { 1 })], Ct));
        Assert.Equal(("vectors[1].vector", StorageError.Invalid), (exception.Field, exception.Error));
        Assert.Empty(store.StandIn.Writes);
    }

    [Fact]
    public async Task DimensionMismatch_QdrantRefuses_IsInvalid()
    {
        await using var store = await QdrantTestStore.StartAsync();
        await store.CreateCollectionAsync("c", new CollectionSpec(3), Ct);
        // Another VDB recreates the collection with another size behind this store's cached spec: Qdrant's refusal is a 400, not a 503.
        using var other = QdrantTestStore.Host(store.StandIn.ConnectionString);
        var otherStore = other.Services.GetRequiredService<IVectorStore>();
        await otherStore.DeleteCollectionAsync("c", Ct);
        await otherStore.CreateCollectionAsync("c", new CollectionSpec(2), Ct);

        var exception = await Assert.ThrowsAsync<StorageException>(() => store.UpsertAsync("c", [new VectorPoint("a", new float[] { 1, 2, 3 })], Ct));
        Assert.Equal(StorageError.Invalid, exception.Error);
        Assert.Contains("Vector dimension error", exception.Message);
    }

    [Fact]
    public async Task UnreachableServer_IsUnavailable_ForPingAndOperations()
    {
        using var host = QdrantTestStore.Host($"Endpoint=http://127.0.0.1:{FreePort()}");
        var store = host.Services.GetRequiredService<IVectorStore>();
        var ping = await Assert.ThrowsAsync<StorageException>(() => store.PingAsync(Ct));
        Assert.Equal(StorageError.Unavailable, ping.Error);
        var list = await Assert.ThrowsAsync<StorageException>(() => store.ListCollectionsAsync(Ct));
        Assert.Equal(StorageError.Unavailable, list.Error);
    }

    [Fact]
    public async Task SlowServer_IsUnavailable_AfterTheTimeout()
    {
        await using var store = await QdrantTestStore.StartAsync(configure: o => o.Timeout = TimeSpan.FromMilliseconds(300));
        store.StandIn.Delay = TimeSpan.FromSeconds(5);
        var exception = await Assert.ThrowsAsync<StorageException>(() => store.ListCollectionsAsync(Ct)).WaitAsync(TimeSpan.FromSeconds(4), Ct);
        Assert.Equal(StorageError.Unavailable, exception.Error);
        Assert.Contains("in time", exception.Message);
    }

    [Fact]
    public async Task CallerCancellation_IsCancellation_NotAnOutage()
    {
        await using var store = await QdrantTestStore.StartAsync();
        store.StandIn.Delay = TimeSpan.FromSeconds(5);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ListCollectionsAsync(cancel.Token)).WaitAsync(TimeSpan.FromSeconds(4), Ct);
    }

    [Fact]
    public async Task Ping_TimesTheRoundTrip_ThroughQdrantsHealthCheck()
    {
        await using var store = await QdrantTestStore.StartAsync();
        Assert.True(await store.PingAsync(Ct) > TimeSpan.Zero);
        Assert.Contains(store.StandIn.Calls, c => c.Method == "/qdrant.Qdrant/HealthCheck");
    }

    private static System.Text.Json.JsonElement Json(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.Clone();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
