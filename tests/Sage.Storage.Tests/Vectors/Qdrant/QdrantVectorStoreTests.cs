using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>The vector store contract against the stand-in Qdrant, every request checked against Qdrant's API document.</summary>
public sealed class QdrantVectorStoreTests : VectorStoreContract
{
    protected override async Task<IVectorStore> CreateStoreAsync() => await QdrantTestStore.StartAsync();
}
