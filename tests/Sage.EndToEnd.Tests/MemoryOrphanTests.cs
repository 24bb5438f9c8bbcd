using System.Collections.Concurrent;
using System.Net;

namespace Sage.EndToEnd.Tests;

/// <summary>Issue 10, finding 6, with real processes: VDB killed with SIGKILL in the middle of stores leaves nothing behind.</summary>
public sealed class MemoryOrphanTests
{
    private const int SigKill = 9;
    private const HttpStatusCode NoAnswer = 0;

    [Fact]
    public async Task Vdb_killed_during_stores_leaves_no_vector_whose_store_answered_5xx_after_a_reconcile()
    {
        var persist = Directory.CreateTempSubdirectory("sage-orphans-");
        try
        {
            // No grace period, so a reconcile right after the stores fixes what they left; the background run stays out of the way.
            await using var launcher = await LauncherProcess.RunAsync(
                new Dictionary<string, string> { ["Sage__Memory__ReconcileGracePeriod"] = "00:00:00", ["Sage__Memory__ReconcileInterval"] = "1.00:00:00" },
                "--restart", "--persist-dir", persist.FullName);
            var memory = launcher.MemoryUrl;
            var answers = new ConcurrentDictionary<string, HttpStatusCode>();
            using var stop = new CancellationTokenSource();
            var stores = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested && i < 2000; i++)
                {
                    var key = $"kill-{worker}-{i}";
                    try
                    {
                        answers[key] = (await Http.PostAsync($"{memory}/memory", new { key, data = new { i }, vector = new[] { 1.0, worker, i % 7 } })).Status;
                    }
                    // No answer at all: the outcome is unknown, so the key counts as neither acknowledged nor refused.
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        answers[key] = NoAnswer;
                    }
                }
            })).ToArray();

            await Http.EventuallyAsync(() => Task.FromResult(answers.Count >= 100), TimeSpan.FromSeconds(30), "100 stores answered");
            Assert.Equal(0, LauncherProcess.Kill(launcher.ChildPids["vdb"], SigKill));
            await launcher.WaitForOutputAsync("vdb is back", TimeSpan.FromSeconds(30));
            var storedBefore = answers.Values.Count(s => s == HttpStatusCode.Created);
            await Http.EventuallyAsync(() => Task.FromResult(answers.Values.Count(s => s == HttpStatusCode.Created) >= storedBefore + 20),
                TimeSpan.FromSeconds(30), "stores succeed again after vdb is back");
            await stop.CancelAsync();
            await Task.WhenAll(stores);

            var failed = answers.Where(a => a.Value != NoAnswer && (int)a.Value >= 500).Select(a => a.Key).ToArray();
            Assert.NotEmpty(failed);
            var report = await Http.OkAsync(Http.PostAsync($"{memory}/memory/reconcile", new { }));
            TestContext.Current.TestOutputHelper?.WriteLine($"{answers.Count} stores, {failed.Length} answered 5xx; reconcile: {report}");
            foreach (var key in failed)
            {
                Assert.True((await Http.GetAsync($"{launcher.VdbUrl}/collections/sage_memories/vectors/{key}")).Status == HttpStatusCode.NotFound,
                    $"{key} answered 5xx and still has a vector; reconcile: {report}");
                Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"{memory}/memory/{key}")).Status);
            }
            foreach (var key in answers.Where(a => a.Value == HttpStatusCode.Created).Select(a => a.Key))
                Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"{memory}/memory/{key}")).Status);
            await LauncherConfigTests.StopCleanlyAsync(launcher);
        }
        finally
        {
            persist.Delete(recursive: true);
        }
    }
}
