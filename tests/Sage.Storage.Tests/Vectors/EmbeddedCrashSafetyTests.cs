using System.Diagnostics;
using System.Text.Json;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;

namespace Sage.Storage.Tests.Vectors;

/// <summary>
/// Every batch a writer saw acknowledged is there after the writer is killed with SIGKILL. The writer is this test
/// executable itself, started with <see cref="WriteUntilKilled"/> as its only test and the directories in environment variables.
/// </summary>
public sealed class EmbeddedCrashSafetyTests
{
    private const string DirectoryVariable = "SAGE_VECTOR_CRASH_DIR";
    private const string AcksVariable = "SAGE_VECTOR_CRASH_ACKS";
    private const int PointsPerBatch = 25;
    private const int Dimension = 8;

    public static bool IsChild => Environment.GetEnvironmentVariable(DirectoryVariable) is not null;

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
                    Assert.Fail($"the writer exited early with code {child.ExitCode}: {await child.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)}");
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
            var points = await store.GetAsync("crash", BatchIds(batch), cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(PointsPerBatch, points.Count);
            Assert.All(points, p => Assert.Equal(batch, p.Metadata!.Value.GetProperty("batch").GetInt32()));
            Assert.Equal(VectorFor(batch, 3), points[3].Vector!.Value.ToArray());
        }
        // The batch in flight at the kill is all there or not at all.
        var inFlight = await store.GetAsync("crash", BatchIds(acked.Max() + 1), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(inFlight.Count is 0 or PointsPerBatch, $"a torn batch: {inFlight.Count} of {PointsPerBatch} points");
    }

    [Fact(Skip = "Runs only as the child process of AcknowledgedBatches_SurviveKill9", SkipUnless = nameof(IsChild))]
    public async Task WriteUntilKilled()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new EmbeddedVectorStore(new EmbeddedVectorStoreOptions { PersistDirectory = Environment.GetEnvironmentVariable(DirectoryVariable) });
        await store.CreateCollectionAsync("crash", new CollectionSpec(Dimension, Distance.Dot), ct);
        using var acks = new StreamWriter(Environment.GetEnvironmentVariable(AcksVariable)!, append: true);
        for (var batch = 0; batch < 100_000; batch++)
        {
            var points = Enumerable.Range(0, PointsPerBatch)
                .Select(i => new VectorPoint($"b{batch}-{i}", VectorFor(batch, i), JsonDocument.Parse($$"""{"batch":{{batch}},"i":{{i}}}""").RootElement))
                .ToList();
            await store.UpsertAsync("crash", points, ct);
            // Acknowledge only after the call returned: this line is the promise the parent checks.
            await acks.WriteLineAsync(batch.ToString(System.Globalization.CultureInfo.InvariantCulture).AsMemory(), ct);
            await acks.FlushAsync(ct);
        }
    }

    private static Process StartChild(string storePath, string acksPath)
    {
        var assembly = typeof(EmbeddedCrashSafetyTests).Assembly.Location;
        var appHost = Path.ChangeExtension(assembly, OperatingSystem.IsWindows() ? ".exe" : null);
        var start = File.Exists(appHost)
            ? new ProcessStartInfo(appHost)
            : new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { ArgumentList = { "exec", assembly } };
        foreach (var argument in new[] { "-method", $"{typeof(EmbeddedCrashSafetyTests).FullName}.{nameof(WriteUntilKilled)}", "-noLogo" })
        {
            start.ArgumentList.Add(argument);
        }
        // The child is a plain run of the test executable, not another test host of the runner that started us.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase) || k.StartsWith("XUNIT", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment[DirectoryVariable] = storePath;
        start.Environment[AcksVariable] = acksPath;
        start.RedirectStandardOutput = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the writer process");
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

    private static string[] BatchIds(int batch) => Enumerable.Range(0, PointsPerBatch).Select(i => $"b{batch}-{i}").ToArray();

    private static float[] VectorFor(int batch, int i) => Enumerable.Range(0, Dimension).Select(j => (float)(batch + (i * 0.5) + (j * 0.25))).ToArray();
}
