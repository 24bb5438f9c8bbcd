using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>What Qdrant's answers and outages become: one <see cref="StorageException"/> kind each.</summary>
public sealed class QdrantErrorMappingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryRequest_CarriesTheApiKeyHeader()
    {
        await using var store = await QdrantTestStore.StartAsync(apiKey: "s3cret");
        await store.CreateCollectionAsync("keyed", new CollectionSpec(2), Ct);
        await store.PingAsync(Ct);
        Assert.NotEmpty(store.Server.Requests);
        Assert.All(store.Server.Requests, r => Assert.Equal("s3cret", r.ApiKeyHeader));
    }

    [Fact]
    public async Task AWrongApiKey_IsUnavailable_NamingTheSetting()
    {
        await using var server = await FakeQdrantServer.StartAsync(apiKey: "right");
        using var services = QdrantTestStore.Services(server.Endpoint, "wrong");
        var exception = await Assert.ThrowsAsync<StorageException>(() => services.GetRequiredService<IVectorStore>().ListCollectionsAsync(Ct));
        Assert.Equal(StorageError.Unavailable, exception.Error);
        Assert.Contains("API key", exception.Message);
    }

    [Theory]
    [InlineData(404, StorageError.NotFound)]
    [InlineData(400, StorageError.Invalid)]
    [InlineData(409, StorageError.Conflict)]
    [InlineData(500, StorageError.Unavailable)]
    [InlineData(503, StorageError.Unavailable)]
    public async Task QdrantStatus_MapsToTheStorageError_KeepingQdrantsMessage(int status, StorageError expected)
    {
        await using var store = await QdrantTestStore.StartAsync();
        await store.CreateCollectionAsync("c", new CollectionSpec(2), Ct);
        store.Server.Fault = request => request.Path.Value!.EndsWith("/points/count", StringComparison.Ordinal) ? (status, "qdrant says no") : null;
        var exception = await Assert.ThrowsAsync<StorageException>(() => store.CountAsync("c", null, Ct));
        Assert.Equal(expected, exception.Error);
        Assert.Contains("qdrant says no", exception.Message);
        if (expected == StorageError.Unavailable)
        {
            Assert.NotNull(exception.RetryAfter);
        }
    }

    [Fact]
    public async Task MissingCollection_IsNotFound_ButNullForGet()
    {
        await using var store = await QdrantTestStore.StartAsync();
        Assert.Null(await store.GetCollectionAsync("absent", Ct));
        var exception = await Assert.ThrowsAsync<StorageException>(() => store.QueryAsync("absent", new VectorQuery(new float[] { 1, 0 }), Ct));
        Assert.Equal(StorageError.NotFound, exception.Error);
    }

    [Fact]
    public async Task DimensionMismatch_IsCaughtLocally_BeforeQdrantIsAsked()
    {
        await using var store = await QdrantTestStore.StartAsync();
        await store.CreateCollectionAsync("c", new CollectionSpec(3), Ct);
        var before = store.Server.Requests.Count;
        var exception = await Assert.ThrowsAsync<StorageException>(() => store.UpsertAsync("c", [new VectorPoint("a", new float[] { 1, 2, 3 }), new VectorPoint("b", new float[] { 1 })], Ct));
        Assert.Equal(("vectors[1].vector", StorageError.Invalid), (exception.Field, exception.Error));
        Assert.DoesNotContain(store.Server.Requests.Skip(before), r => r.Method == "PUT");
    }

    [Fact]
    public async Task UnreachableServer_IsUnavailable_ForPingAndOperations()
    {
        using var services = QdrantTestStore.Services(new Uri($"http://127.0.0.1:{FreePort()}"), null);
        var store = services.GetRequiredService<IVectorStore>();
        var ping = await Assert.ThrowsAsync<StorageException>(() => store.PingAsync(Ct));
        Assert.Equal(StorageError.Unavailable, ping.Error);
        var list = await Assert.ThrowsAsync<StorageException>(() => store.ListCollectionsAsync(Ct));
        Assert.Equal(StorageError.Unavailable, list.Error);
    }

    [Fact]
    public async Task SlowServer_IsUnavailable_AfterTheTimeout()
    {
        await using var server = await FakeQdrantServer.StartAsync();
        server.Fault = _ =>
        {
            Thread.Sleep(1500);
            return null;
        };
        using var services = QdrantTestStore.Services(server.Endpoint, null, o => o.Timeout = TimeSpan.FromMilliseconds(300));
        var exception = await Assert.ThrowsAsync<StorageException>(() => services.GetRequiredService<IVectorStore>().ListCollectionsAsync(Ct));
        Assert.Equal(StorageError.Unavailable, exception.Error);
    }

    [Fact]
    public async Task Ping_TimesTheRoundTrip_ThroughReadyz()
    {
        await using var store = await QdrantTestStore.StartAsync();
        Assert.True(await store.PingAsync(Ct) > TimeSpan.Zero);
        Assert.Contains(store.Server.Requests, r => r.Method == "GET" && r.PathAndQuery == "/readyz");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
