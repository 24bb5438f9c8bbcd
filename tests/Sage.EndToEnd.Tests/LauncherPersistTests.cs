using System.Net;
using System.Text.Json;

namespace Sage.EndToEnd.Tests;

/// <summary>With --persist-dir and the default in-memory KV, every acknowledged memory survives a kill -9 of everything.</summary>
public sealed class LauncherPersistTests
{
    private const int SigKill = 9;
    private static readonly double[] Query = [0.1, 0.2, 0.3];

    [Theory]
    [InlineData("standard")]
    [InlineData("minimal")]
    public async Task Memories_and_their_vectors_survive_a_kill_9_of_the_launcher_and_its_services(string config)
    {
        var persist = Directory.CreateTempSubdirectory("sage-e2e-").FullName;
        try
        {
            string[] kept = ["m1", "m2", "m3"];
            await using (var first = await LauncherProcess.RunAsync("--config", config, "--persist-dir", persist))
            {
                Assert.Contains($"memory, durable (sqlite, {Path.Combine(persist, "kv")})", first.Output);
                for (var i = 0; i < 4; i++)
                {
                    var vector = new[] { 0.1 + i, 0.2, 0.3 };
                    object memory = i == 3
                        ? new { key = $"m{i}", data = new { n = i }, vector, ttl = 3600 }
                        : new { key = $"m{i}", data = new { n = i }, vector };
                    await Http.OkAsync(Http.PostAsync($"{first.MemoryUrl}/memory", memory));
                }
                await Http.OkAsync(Http.SendAsync(HttpMethod.Delete, $"{first.MemoryUrl}/memory/m0"));

                // No goodbye: the launcher and every service die at once, so only what was already durable counts.
                var everything = first.ChildPids.Values.Append(first.Id).ToList();
                foreach (var pid in everything)
                    LauncherProcess.Kill(pid, SigKill);
                await LauncherProcess.WaitUntilGoneAsync(everything, TimeSpan.FromSeconds(10));
            }

            await using var second = await LauncherProcess.RunAsync("--config", config, "--persist-dir", persist);
            foreach (var key in kept)
            {
                var memory = await Http.OkAsync(Http.GetAsync($"{second.MemoryUrl}/memory/{key}"));
                Assert.Equal(int.Parse(key[1..], System.Globalization.CultureInfo.InvariantCulture), memory.GetProperty("data").GetProperty("n").GetInt32());
            }
            Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"{second.MemoryUrl}/memory/m0")).Status);

            // Search finds exactly the memories that exist: no vector without its record, nothing deleted comes back.
            var hits = await Http.OkAsync(Http.PostAsync($"{second.MemoryUrl}/memory/search", new { vector = Query, top_k = 10 }));
            var found = hits.GetProperty("results").EnumerateArray().Select(h => h.GetProperty("key").GetString()!).Order().ToList();
            Assert.Equal(kept, found);
            // A lifetime survives too: m3 still expires.
            Assert.Equal(JsonValueKind.String, (await Http.OkAsync(Http.GetAsync($"{second.MemoryUrl}/memory/m3"))).GetProperty("expires_at").ValueKind);
            await LauncherConfigTests.StopCleanlyAsync(second);
        }
        finally
        {
            Directory.Delete(persist, recursive: true);
        }
    }
}
