using Microsoft.Extensions.Options;
using Sage.Storage;
using Sage.Storage.Kv;

namespace Sage.Storage.Tests.Kv;

public sealed class InMemoryKvStoreTests : KvStoreContract
{
    protected override ValueTask<IKvStore> CreateStoreAsync() =>
        ValueTask.FromResult<IKvStore>(new InMemoryKvStore(Options.Create(new InMemoryKvStoreOptions())));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Set_fails_with_capacity_exceeded_when_entry_limit_is_reached_and_keeps_existing_data()
    {
        using var store = new InMemoryKvStore(Options.Create(new InMemoryKvStoreOptions { MaxEntries = 2 }));
        await store.SetAsync("a", Json("1"), cancellationToken: Ct);
        await store.SetAsync("b", Json("2"), cancellationToken: Ct);
        var error = await Assert.ThrowsAsync<StorageException>(async () => await store.SetAsync("c", Json("3"), cancellationToken: Ct));
        Assert.Equal(StorageError.CapacityExceeded, error.Error);
        Assert.Contains("MaxEntries", error.Message);
        Assert.True((await store.SetAsync("a", Json("10"), cancellationToken: Ct)).Applied);
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task Batch_set_over_the_byte_limit_writes_nothing()
    {
        using var store = new InMemoryKvStore(Options.Create(new InMemoryKvStoreOptions { MaxBytes = 2048 }));
        var big = Json($"\"{new string('x', 1500)}\"");
        var error = await Assert.ThrowsAsync<StorageException>(async () =>
            await store.SetManyAsync([new("a", big), new("b", big)], Ct));
        Assert.Equal(StorageError.CapacityExceeded, error.Error);
        Assert.Equal(0, store.Count);
        Assert.Equal(0, store.Bytes);
    }

    [Fact]
    public async Task Expired_keys_are_swept_without_being_read()
    {
        var time = new ManualTime();
        using var store = new InMemoryKvStore(Options.Create(new InMemoryKvStoreOptions { ExpirySweepInterval = TimeSpan.FromSeconds(1) }), time);
        await store.SetAsync("k", Json("1"), new KvSetOptions { TimeToLive = TimeSpan.FromSeconds(5) }, Ct);
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0, store.Count);
        Assert.Equal(0, store.Bytes);
    }

    [Fact]
    public async Task Byte_count_returns_to_zero_after_overwrites_and_deletes()
    {
        using var store = new InMemoryKvStore(Options.Create(new InMemoryKvStoreOptions()));
        await store.SetAsync("k", Json("\"short\""), cancellationToken: Ct);
        await store.SetAsync("k", Json("\"a much longer value than before\""), cancellationToken: Ct);
        await store.SetManyAsync([new("k", Json("1")), new("j", Json("2"))], Ct);
        await store.DeleteAsync("k", cancellationToken: Ct);
        await store.DeleteByPatternAsync("*", Ct);
        Assert.Equal(0, store.Bytes);
    }
}
