using System.Globalization;
using Sage.Storage.Tests.Vectors;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;

// Usage: Sage.Storage.CrashWriter <persist directory> <acknowledgements file>
// Writes batches until killed; a batch's number is appended to the acknowledgements file only after its upsert returned.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Sage.Storage.CrashWriter <persist directory> <acknowledgements file>");
    return 2;
}

using var store = new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { PersistDirectory = args[0] });
await store.CreateCollectionAsync(CrashBatches.Collection, new CollectionSpec(CrashBatches.Dimension, Distance.Dot));
using var acks = new StreamWriter(args[1], append: true);
for (var batch = 0; batch < 100_000; batch++)
{
    await store.UpsertAsync(CrashBatches.Collection, CrashBatches.Points(batch));
    // This line is the promise the test checks after the kill.
    await acks.WriteLineAsync(batch.ToString(CultureInfo.InvariantCulture));
    await acks.FlushAsync();
}
return 0;
