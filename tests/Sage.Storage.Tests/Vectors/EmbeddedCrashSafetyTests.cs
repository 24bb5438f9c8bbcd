using Sage.Storage.Vectors.Embedded;

namespace Sage.Storage.Tests.Vectors;

/// <summary>
/// Every batch a writer saw acknowledged is there after the writer is killed with SIGKILL. The writer is a real
/// process (tests/Sage.Storage.CrashWriter) that appends a batch's number to a file only after its upsert returned.
/// </summary>
public sealed class EmbeddedCrashSafetyTests
{
    [Fact]
    public async Task AcknowledgedBatches_SurviveKill9()
    {
        using var directory = new TempDirectory();
        var storePath = Path.Combine(directory.Path, "store");
        var acked = await CrashWriterProcess.WriteUntilKilledAsync(Path.Combine(directory.Path, "acks.txt"), 15, storePath);

        using var store = new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { PersistDirectory = storePath });
        foreach (var batch in acked)
        {
            var points = await store.GetAsync(CrashBatches.Collection, CrashBatches.Ids(batch), cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(CrashBatches.PointsPerBatch, points.Count);
            Assert.All(points, p => Assert.Equal(batch, p.Metadata!.Value.GetProperty("batch").GetInt32()));
            Assert.Equal(CrashBatches.VectorFor(batch, 3), points[3].Vector!.Value.ToArray());
        }
        // The batch in flight at the kill is all there or not at all.
        var inFlight = await store.GetAsync(CrashBatches.Collection, CrashBatches.Ids(acked.Max() + 1), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(inFlight.Count is 0 or CrashBatches.PointsPerBatch, $"a torn batch: {inFlight.Count} of {CrashBatches.PointsPerBatch} points");
    }
}
