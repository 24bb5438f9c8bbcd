using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;

namespace Sage.Storage.Tests.Vectors;

/// <summary>The contract against the in-memory embedded engine.</summary>
public sealed class EmbeddedVectorStoreTests : VectorStoreContract
{
    protected override Task<IVectorStore> CreateStoreAsync() => Task.FromResult<IVectorStore>(new EmbeddedVectorStore());
}

/// <summary>The contract against the embedded engine persisting to a temporary directory.</summary>
public sealed class PersistentEmbeddedVectorStoreTests : VectorStoreContract
{
    private readonly TempDirectory _directory = new();

    protected override Task<IVectorStore> CreateStoreAsync() =>
        Task.FromResult<IVectorStore>(new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { PersistDirectory = _directory.Path }));

    protected override ValueTask CleanUpAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
