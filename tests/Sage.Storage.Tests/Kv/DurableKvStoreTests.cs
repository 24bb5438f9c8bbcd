using Microsoft.Extensions.Options;
using Sage.Storage.Kv;
using Sage.Storage.Tests.Vectors;

namespace Sage.Storage.Tests.Kv;

/// <summary>
/// The in-memory store with a persist directory: the whole KV contract, and every kind of acknowledged write found
/// again by a store opened later on the same directory.
/// </summary>
public sealed class DurableKvStoreTests : KvStoreContract
{
    private readonly TempDirectory _directory = new();

    // The contract's store and the reopen tests' stores use separate journals: a journal belongs to one open store at a time.
    protected override ValueTask<IKvStore> CreateStoreAsync() =>
        ValueTask.FromResult<IKvStore>(new InMemoryKvStore(Options.Create(new InMemoryKvStoreOptions { PersistDirectory = Path.Combine(_directory.Path, "contract") })));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private InMemoryKvStore Open(TimeProvider? time = null, long maxBytes = 512L * 1024 * 1024) =>
        new(Options.Create(new InMemoryKvStoreOptions { PersistDirectory = Path.Combine(_directory.Path, "reopen"), MaxBytes = maxBytes }), time);

    [Fact]
    public async Task Reopened_store_has_every_set_with_its_value_and_etag()
    {
        string etag;
        using (var store = Open())
        {
            etag = (await store.SetAsync("a", Json("""{"x":[1,"ü"]}"""), cancellationToken: Ct)).ETag!;
            await store.SetAsync("b", Json("1"), cancellationToken: Ct);
            await store.SetAsync("b", Json("2"), cancellationToken: Ct);
        }

        using var reopened = Open();
        var a = await reopened.GetAsync("a", Ct);
        Assert.Equal("ü", a!.Value.GetProperty("x")[1].GetString());
        Assert.Equal(etag, a.ETag);
        Assert.Equal("2", (await reopened.GetAsync("b", Ct))!.Value.GetRawText());
        Assert.Equal(2, reopened.Count);
        // The ETag is the same version after the reopen: a compare-and-set made before it still applies once.
        Assert.True((await reopened.SetAsync("a", Json("3"), new KvSetOptions { IfMatch = $"\"{etag}\"" }, Ct)).Applied);
    }

    [Fact]
    public async Task Reopened_store_has_batches_and_not_what_was_deleted()
    {
        using (var store = Open())
        {
            await store.SetManyAsync([new("user:1", Json("1")), new("user:2", Json("2")), new("user:3", Json("3")), new("keep", Json("4")), new("gone", Json("5")), new("many1", Json("6")), new("many2", Json("7"))], Ct);
            Assert.Equal(KvDeleteOutcome.Deleted, await store.DeleteAsync("gone", cancellationToken: Ct));
            Assert.Equal(2, await store.DeleteManyAsync(["many1", "many2", "never"], Ct));
            Assert.Equal(3, await store.DeleteByPatternAsync("user:*", Ct));
        }

        using var reopened = Open();
        Assert.Equal(["keep"], (await reopened.ScanAsync("*", null, 100, Ct)).Keys);
        Assert.Equal("4", (await reopened.GetAsync("keep", Ct))!.Value.GetRawText());
    }

    [Fact]
    public async Task Reopened_store_keeps_the_remaining_lifetime_and_never_brings_back_expired_keys()
    {
        var time = new ManualTime();
        using (var store = Open(time))
        {
            await store.SetAsync("short", Json("1"), new KvSetOptions { TimeToLive = TimeSpan.FromSeconds(10) }, Ct);
            await store.SetAsync("long", Json("2"), new KvSetOptions { TimeToLive = TimeSpan.FromSeconds(100) }, Ct);
            await store.SetAsync("forever", Json("3"), cancellationToken: Ct);
        }

        time.Advance(TimeSpan.FromSeconds(30));
        using (var reopened = Open(time))
        {
            Assert.Null(await reopened.GetAsync("short", Ct));
            Assert.Equal(TimeSpan.FromSeconds(70), (await reopened.GetAsync("long", Ct))!.TimeToLive);
            Assert.Null((await reopened.GetAsync("forever", Ct))!.TimeToLive);
            Assert.Equal(2, reopened.Count);
        }

        time.Advance(TimeSpan.FromSeconds(100));
        using var later = Open(time);
        Assert.Equal(["forever"], (await later.ScanAsync("*", null, 100, Ct)).Keys);
    }

    [Fact]
    public async Task A_write_refused_for_capacity_is_not_in_the_journal_either()
    {
        var big = Json($"\"{new string('x', 1500)}\"");
        using (var store = Open(maxBytes: 2048))
        {
            await store.SetAsync("a", big, cancellationToken: Ct);
            await Assert.ThrowsAsync<StorageException>(async () => await store.SetManyAsync([new("b", big), new("c", Json("1"))], Ct));
        }

        using var reopened = Open();
        Assert.Equal(["a"], (await reopened.ScanAsync("*", null, 100, Ct)).Keys);
    }

    [Fact]
    public void A_journal_another_store_holds_open_is_refused_instead_of_shared()
    {
        using var first = Open();
        var error = Assert.Throws<InvalidOperationException>(() => Open());
        Assert.Contains("cannot hold the KV journal", error.Message);
    }

    [Fact]
    public async Task A_directory_that_cannot_hold_the_journal_stops_the_store_naming_the_setting()
    {
        var file = Path.Combine(_directory.Path, "not-a-directory");
        await File.WriteAllTextAsync(file, "x", Ct);
        var error = Assert.Throws<InvalidOperationException>(() =>
            new InMemoryKvStore(Options.Create(new InMemoryKvStoreOptions { PersistDirectory = file })));
        Assert.Contains("Sage:Kv:PersistDirectory (SAGE_KV_PERSIST_DIR)", error.Message);
    }
}
