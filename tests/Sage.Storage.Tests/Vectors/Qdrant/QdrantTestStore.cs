using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Qdrant;
using Sage.Testing.Qdrant;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>
/// A Qdrant store wired as Sage.Vdb wires it (<c>AddQdrantClient("qdrant")</c> + <c>AddQdrantVectorStore</c>) over a
/// stand-in Qdrant. After every call it fails the test if the stand-in met a request it could not serve as Qdrant would.
/// </summary>
internal sealed class QdrantTestStore(QdrantStandIn standIn, IHost host, bool ownsStandIn = true) : IVectorStore, IAsyncDisposable
{
    private readonly IVectorStore _inner = host.Services.GetRequiredService<IVectorStore>();

    public QdrantStandIn StandIn { get; } = standIn;

    public string Backend => _inner.Backend;

    public static async Task<QdrantTestStore> StartAsync(string? apiKey = "test-key", Action<QdrantVectorStoreOptions>? configure = null)
    {
        var standIn = await QdrantStandIn.StartAsync(apiKey, TestContext.Current.CancellationToken);
        return new QdrantTestStore(standIn, Host(standIn.ConnectionString, configure));
    }

    /// <summary>A store over a stand-in shared by a test class; disposing it leaves the stand-in running.</summary>
    public static QdrantTestStore Over(QdrantStandIn standIn) => new(standIn, Host(standIn.ConnectionString), ownsStandIn: false);

    /// <summary>A host with the Qdrant backend registered for <c>ConnectionStrings:qdrant</c> = <paramref name="connectionString"/>.</summary>
    public static IHost Host(string connectionString, Action<QdrantVectorStoreOptions>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:qdrant"] = connectionString });
        builder.AddQdrantClient("qdrant");
        builder.Services.AddQdrantVectorStore(options =>
        {
            options.Timeout = TimeSpan.FromSeconds(10);
            configure?.Invoke(options);
        });
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        host.Dispose();
        if (ownsStandIn)
        {
            await StandIn.DisposeAsync();
        }

        StandIn.AssertNoViolations();
    }

    private async Task<T> Checked<T>(Task<T> call)
    {
        try
        {
            return await call;
        }
        finally
        {
            StandIn.AssertNoViolations();
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
            StandIn.AssertNoViolations();
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
