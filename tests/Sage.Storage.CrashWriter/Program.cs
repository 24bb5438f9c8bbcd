using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sage.Storage.Kv;
using Sage.Storage.Tests.Kv;
using Sage.Storage.Tests.Vectors;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;

// Usage: Sage.Storage.CrashWriter [kv] <persist directory> <acknowledgements file>
// Writes until killed; a write's number is appended to the acknowledgements file only after the store returned.
// Without "kv" it upserts vector batches into the embedded engine; with it, it writes to the durable in-memory KV store.
var kv = args.Length == 3 && args[0] == "kv";
if (args.Length != (kv ? 3 : 2))
{
    Console.Error.WriteLine("usage: Sage.Storage.CrashWriter [kv] <persist directory> <acknowledgements file>");
    return 2;
}
var (directory, acksPath) = kv ? (args[1], args[2]) : (args[0], args[1]);

using var acks = new StreamWriter(acksPath, append: true);
if (kv)
{
    using var store = new InMemoryKvStore(Options.Create(new InMemoryKvStoreOptions { PersistDirectory = directory }));
    for (var n = 0; n < 1_000_000; n++)
    {
        var value = JsonSerializer.SerializeToElement(n);
        await store.SetAsync(CrashKv.Key(n), value);
        await store.SetManyAsync([new KvWrite(CrashKv.Twin(n), value)]);
        if (CrashKv.DeletesPrevious(n))
            await store.DeleteAsync(CrashKv.Key(n - 1));
        await Acknowledge(n);
    }
    return 0;
}

using var vectors = new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { PersistDirectory = directory });
await vectors.CreateCollectionAsync(CrashBatches.Collection, new CollectionSpec(CrashBatches.Dimension, Distance.Dot));
for (var batch = 0; batch < 100_000; batch++)
{
    await vectors.UpsertAsync(CrashBatches.Collection, CrashBatches.Points(batch));
    await Acknowledge(batch);
}
return 0;

// This line is the promise the test checks after the kill.
async Task Acknowledge(int n)
{
    await acks.WriteLineAsync(n.ToString(CultureInfo.InvariantCulture));
    await acks.FlushAsync();
}
