using Microsoft.Extensions.DependencyInjection;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Qdrant;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>
/// A Qdrant store built through <c>AddQdrantVectorStore</c>, over a stand-in server. After every call it fails the
/// test if any request broke Qdrant's API document; disposing it stops the server.
/// </summary>
internal sealed class QdrantTestStore(FakeQdrantServer server, ServiceProvider services, bool ownsServer = true) : IVectorStore, IAsyncDisposable
{
    private readonly IVectorStore _inner = services.GetRequiredService<IVectorStore>();

    public FakeQdrantServer Server { get; } = server;

    public string Backend => _inner.Backend;

    public static async Task<QdrantTestStore> StartAsync(string? apiKey = "test-key", Action<QdrantOptions>? configure = null)
    {
        var server = await FakeQdrantServer.StartAsync(apiKey);
        return new QdrantTestStore(server, Services(server.Endpoint, apiKey, configure));
    }

    /// <summary>A store over a server shared by a test class; disposing it leaves the server running.</summary>
    public static QdrantTestStore Over(FakeQdrantServer server) => new(server, Services(server.Endpoint, server.ApiKey), ownsServer: false);

    public static ServiceProvider Services(Uri endpoint, string? apiKey, Action<QdrantOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddQdrantVectorStore(options =>
        {
            options.Endpoint = endpoint;
            options.ApiKey = apiKey;
            options.Timeout = TimeSpan.FromSeconds(10);
            configure?.Invoke(options);
        });
        return services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        if (ownsServer)
        {
            await Server.DisposeAsync();
        }

        Server.AssertNoViolations();
    }

    private async Task<T> Checked<T>(Task<T> call)
    {
        try
        {
            return await call;
        }
        finally
        {
            Server.AssertNoViolations();
        }
    }

    private async Task Checked(Task call)
    {
        try
        {
            await call;
        }
        finally
        {
            Server.AssertNoViolations();
        }
    }

    public Task<CollectionInfo> CreateCollectionAsync(string name, CollectionSpec spec, CancellationToken cancellationToken = default) => Checked(_inner.CreateCollectionAsync(name, spec, cancellationToken));

    public Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken = default) => Checked(_inner.GetCollectionAsync(name, cancellationToken));

    public Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken = default) => Checked(_inner.ListCollectionsAsync(cancellationToken));

    public Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken = default) => Checked(_inner.DeleteCollectionAsync(name, cancellationToken));

    public Task<CollectionInfo> CompactAsync(string name, CancellationToken cancellationToken = default) => Checked(_inner.CompactAsync(name, cancellationToken));

    public Task UpsertAsync(string collection, IReadOnlyList<VectorPoint> points, CancellationToken cancellationToken = default) => Checked(_inner.UpsertAsync(collection, points, cancellationToken));

    public Task<IReadOnlyList<StoredPoint>> GetAsync(string collection, IReadOnlyList<string> ids, bool withVector = true, bool withMetadata = true, CancellationToken cancellationToken = default) =>
        Checked(_inner.GetAsync(collection, ids, withVector, withMetadata, cancellationToken));

    public Task<bool> UpdateAsync(string collection, PointUpdate update, CancellationToken cancellationToken = default) => Checked(_inner.UpdateAsync(collection, update, cancellationToken));

    public Task<long> DeleteAsync(string collection, IReadOnlyList<string> ids, CancellationToken cancellationToken = default) => Checked(_inner.DeleteAsync(collection, ids, cancellationToken));

    public Task<long> DeleteByFilterAsync(string collection, VectorFilter filter, CancellationToken cancellationToken = default) => Checked(_inner.DeleteByFilterAsync(collection, filter, cancellationToken));

    public Task<IReadOnlyList<ScoredPoint>> QueryAsync(string collection, VectorQuery query, CancellationToken cancellationToken = default) => Checked(_inner.QueryAsync(collection, query, cancellationToken));

    public Task<ScrollPage> ScrollAsync(string collection, ScrollRequest request, CancellationToken cancellationToken = default) => Checked(_inner.ScrollAsync(collection, request, cancellationToken));

    public Task<long> CountAsync(string collection, VectorFilter? filter = null, CancellationToken cancellationToken = default) => Checked(_inner.CountAsync(collection, filter, cancellationToken));

    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default) => Checked(_inner.PingAsync(cancellationToken));
}
