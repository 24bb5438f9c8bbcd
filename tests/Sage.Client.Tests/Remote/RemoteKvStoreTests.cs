using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
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
        await client.InNamespace(KvNamespaces.Memory).DeleteByPatternAsync("*", TestContext.Current.CancellationToken);
        return new RemoteKvStore(client);
    }

    [Fact]
    public async Task A_memory_namespace_key_is_stored_as_in_process_and_hidden_from_the_public_routes()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await CreateStoreAsync();
        var client = host.Service.CreateKvClient();
        var record = KvNamespaces.StoreKey(KvNamespaces.Memory, "mem:doc1");

        await store.SetManyAsync([new KvWrite(record, JsonSerializer.SerializeToElement(1)), new KvWrite(record + "-2", JsonSerializer.SerializeToElement(2))], ct);
        await store.SetAsync("mem:doc1", JsonSerializer.SerializeToElement("public"), cancellationToken: ct);

        // The KV service's own store holds the same key Memory holds in-process (embedded mode).
        var backing = host.Service.Services.GetRequiredService<IKvStore>();
        Assert.Equal(1, (await backing.GetAsync(record, ct))!.Value.GetInt32());
        Assert.Equal(record, (await store.GetAsync(record, ct))!.Key);
        Assert.Equal([record, record + "-2"], (await store.GetManyAsync([record, record + "-2"], ct)).Select(e => e!.Key));
        Assert.Equal([record, record + "-2"], (await store.ScanAsync(KvNamespaces.StoreKey(KvNamespaces.Memory, "mem:*"), null, 100, ct)).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["mem:doc1"], (await client.ListAsync("*", cancellationToken: ct)).Keys);
        Assert.Equal(["mem:doc1", "mem:doc1-2"], (await client.InNamespace(KvNamespaces.Memory).ListAsync("*", cancellationToken: ct)).Keys.Order(StringComparer.Ordinal));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.GetManyAsync([record, "mem:doc1"], ct));

        Assert.Equal(1, await store.DeleteByPatternAsync("*", ct));
        Assert.Equal(KvDeleteOutcome.Deleted, await store.DeleteAsync(record, cancellationToken: ct));
        Assert.Equal(1, await store.DeleteByPatternAsync(KvNamespaces.StoreKey(KvNamespaces.Memory, "*"), ct));
        Assert.Null(await backing.GetAsync(record + "-2", ct));
    }

    public sealed class Host : IAsyncDisposable
    {
        public KvServiceFactory Service { get; } = new();

        public ValueTask DisposeAsync() => Service.DisposeAsync();
    }
}
