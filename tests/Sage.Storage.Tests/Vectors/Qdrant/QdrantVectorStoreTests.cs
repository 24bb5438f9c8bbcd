using Sage.Storage.Vectors;
using Sage.Testing.Qdrant;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>The vector store contract against the stand-in Qdrant gRPC server, through Qdrant.Client.</summary>
public sealed class QdrantVectorStoreTests(QdrantStandInFixture fixture) : VectorStoreContract, IClassFixture<QdrantStandInFixture>
{
    protected override Task<IVectorStore> CreateStoreAsync() => Task.FromResult<IVectorStore>(QdrantTestStore.Over(fixture.StandIn));
}

/// <summary>One stand-in Qdrant per test class: the contract gives every test its own collection names.</summary>
public sealed class QdrantStandInFixture : IAsyncLifetime
{
    public QdrantStandIn StandIn { get; private set; } = null!;

    public async ValueTask InitializeAsync() => StandIn = await QdrantStandIn.StartAsync("fixture-key");

    public async ValueTask DisposeAsync() => await StandIn.DisposeAsync();
}
