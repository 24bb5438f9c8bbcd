using Sage.Memory.Remote;
using Sage.Storage.Kv;
using Sage.Storage.Tests.Kv;

namespace Sage.Client.Tests.Remote;

/// <summary>The KV store contract through <see cref="RemoteKvStore"/> against a real KV service (one host per class, emptied per test).</summary>
public sealed class RemoteKvStoreTests(RemoteKvStoreTests.Host host) : KvStoreContract, IClassFixture<RemoteKvStoreTests.Host>
{
    // Whole seconds are all the wire carries (KvSetRequest.ttl), so a 300 ms lifetime cannot be expressed: it becomes 1 s.
    private const string SubSecondTtl = "The KV API carries ttl in whole seconds; a 300 ms lifetime becomes 1 s through HTTP (see RemoteErrorMappingTests.Sub_second_ttls_are_sent_rounded_up_to_a_second).";

    protected override async ValueTask<IKvStore> CreateStoreAsync()
    {
        if (TestContext.Current.TestMethod?.MethodName == nameof(Ttl_is_reported_and_key_expires))
            Assert.Skip(SubSecondTtl);
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
