using Sage.Memory.Remote;
using Sage.Storage.Kv;
using Sage.Storage.Tests.Kv;

namespace Sage.Client.Tests.Remote;

/// <summary>The KV store contract through <see cref="RemoteKvStore"/> against a real KV service (one host per class, emptied per test).</summary>
public sealed class RemoteKvStoreTests(RemoteKvStoreTests.Host host) : KvStoreContract, IClassFixture<RemoteKvStoreTests.Host>
{
    protected override async ValueTask<IKvStore> CreateStoreAsync()
    {
        var client = host.Service.CreateKvClient();
        await client.DeleteByPatternAsync("*", TestContext.Current.CancellationToken);
        return new RemoteKvStore(client);
    }

    public sealed class Host : IAsyncDisposable
    {
        public KvServiceFactory Service { get; } = new();

        public ValueTask DisposeAsync() => Service.DisposeAsync();
    }
}
