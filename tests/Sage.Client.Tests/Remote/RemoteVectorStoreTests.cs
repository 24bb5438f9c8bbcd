using Sage.Memory.Remote;
using Sage.Storage.Tests.Vectors;
using Sage.Storage.Vectors;

namespace Sage.Client.Tests.Remote;

/// <summary>The vector store contract through <see cref="RemoteVectorStore"/> against a real VDB service (one host per class; tests use their own collections).</summary>
public sealed class RemoteVectorStoreTests(RemoteVectorStoreTests.Host host) : VectorStoreContract, IClassFixture<RemoteVectorStoreTests.Host>
{
    protected override Task<IVectorStore> CreateStoreAsync() =>
        Task.FromResult<IVectorStore>(new RemoteVectorStore(host.Service.CreateVdbClient()));

    public sealed class Host : IAsyncDisposable
    {
        public VdbServiceFactory Service { get; } = new();

        public ValueTask DisposeAsync() => Service.DisposeAsync();
    }
}
