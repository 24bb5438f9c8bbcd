using System.Diagnostics;
using System.Reflection;
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
        var acksPath = Path.Combine(directory.Path, "acks.txt");
        var storePath = Path.Combine(directory.Path, "store");
        using var child = StartChild(storePath, acksPath);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (ReadAcks(acksPath).Count < 15)
            {
                if (child.HasExited)
                {
                    Assert.Fail($"the writer exited early with code {child.ExitCode}: {await child.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)}{await child.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)}");
                }
                if (DateTime.UtcNow > deadline)
                {
                    child.Kill(entireProcessTree: true);
                    Assert.Fail($"the writer acknowledged too few batches within 60 s: {await child.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)}");
                }
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
        var acked = ReadAcks(acksPath);

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

    private static Process StartChild(string storePath, string acksPath)
    {
        var writer = typeof(EmbeddedCrashSafetyTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "crash-writer").Value!;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { writer, storePath, acksPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start the writer {writer}");
    }

    private static List<int> ReadAcks(string path)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        // A line cut off by the kill has no newline yet and is not an acknowledgement.
        var text = reader.ReadToEnd();
        return text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => int.Parse(line, System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

}
