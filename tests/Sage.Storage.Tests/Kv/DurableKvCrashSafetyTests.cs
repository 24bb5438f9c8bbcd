using Microsoft.Extensions.Options;
using Sage.Storage.Kv;
using Sage.Storage.Tests.Vectors;

namespace Sage.Storage.Tests.Kv;

/// <summary>Every write a process saw acknowledged by the durable KV store is there after that process is killed with SIGKILL.</summary>
public sealed class DurableKvCrashSafetyTests
{
    [Fact]
    public async Task Acknowledged_sets_batches_and_deletes_survive_kill_9()
    {
        using var directory = new TempDirectory();
        var storePath = Path.Combine(directory.Path, "kv");
        var acked = await CrashWriterProcess.WriteUntilKilledAsync(Path.Combine(directory.Path, "acks.txt"), 2000, "kv", storePath);
        var last = acked.Max();
        Assert.Equal(Enumerable.Range(0, last + 1), acked);

        using var store = new InMemoryKvStore(Options.Create(new InMemoryKvStoreOptions { PersistDirectory = storePath }));
        var ct = TestContext.Current.CancellationToken;
        foreach (var n in acked)
        {
            Assert.Equal(n, (await store.GetAsync(CrashKv.Twin(n), ct))!.Value.GetInt32());
            var entry = await store.GetAsync(CrashKv.Key(n), ct);
            if (n < last && CrashKv.DeletesPrevious(n + 1))
                Assert.True(entry is null, $"{CrashKv.Key(n)} was deleted by acknowledged write {n + 1} and is back");
            else if (!CrashKv.DeletesPrevious(n + 1))
                Assert.Equal(n, entry!.Value.GetInt32());
            // else: the write in flight at the kill may have deleted the last key already.
        }
    }
}
