using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>The vector store contract against the stand-in Qdrant, every request checked against Qdrant's API document.</summary>
public sealed class QdrantVectorStoreTests(FakeQdrantFixture fixture) : VectorStoreContract, IClassFixture<FakeQdrantFixture>
{
    protected override Task<IVectorStore> CreateStoreAsync() => Task.FromResult<IVectorStore>(QdrantTestStore.Over(fixture.Server));
}

/// <summary>One stand-in Qdrant per test class: the contract gives every test its own collection names.</summary>
public sealed class FakeQdrantFixture : IAsyncLifetime
{
    internal FakeQdrantServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await FakeQdrantServer.StartAsync("fixture-key");

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
