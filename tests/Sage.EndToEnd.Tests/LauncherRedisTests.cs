using System.Net;

namespace Sage.EndToEnd.Tests;

/// <summary>KV on a redis-server the launcher starts itself, with data kept under --persist-dir.</summary>
public sealed class LauncherRedisTests
{
    [Fact]
    public async Task Standard_with_managed_redis_serves_every_seed_flow_and_keeps_memories_and_vectors_across_restarts()
    {
        var persist = Directory.CreateTempSubdirectory("sage-e2e-").FullName;
        try
        {
            await using (var first = await LauncherProcess.RunAsync("--kv-backend", "redis", "--persist-dir", persist))
            {
                Assert.Contains("redis", first.ChildPids.Keys);
                await SeedFlows.MemoryStoreAsync(first.MemoryUrl);
                await SeedFlows.MemoryReadAsync(first.MemoryUrl);
                await SeedFlows.KvAsync(first.KvUrl);
                await SeedFlows.VdbAsync(first.VdbUrl);
                await LauncherConfigTests.StopCleanlyAsync(first);
            }

            await using var second = await LauncherProcess.RunAsync("--kv-backend", "redis", "--persist-dir", persist);
            await SeedFlows.MemoryReadAsync(second.MemoryUrl);
            // Memory keeps its vectors in its own collection (Sage:Memory:Collection, default sage_memories).
            var vector = await Http.GetAsync($"{second.VdbUrl}/collections/sage_memories/vectors/doc1");
            Assert.Equal(HttpStatusCode.OK, vector.Status);
            await LauncherConfigTests.StopCleanlyAsync(second);
        }
        finally
        {
            Directory.Delete(persist, recursive: true);
        }
    }

    [Fact]
    public async Task With_restart_a_killed_redis_server_comes_back_on_its_port_with_every_acknowledged_write()
    {
        var persist = Directory.CreateTempSubdirectory("sage-e2e-").FullName;
        try
        {
            await using var launcher = await LauncherProcess.RunAsync("--config", "kv-only", "--kv-backend", "redis", "--restart", "--persist-dir", persist);
            var (redis, kv) = (launcher.ChildPids["redis"], launcher.ChildPids["kv"]);
            await Http.OkAsync(Http.PostAsync($"{launcher.KvUrl}/kv", new { key = "before-the-kill", value = "kept" }));

            Assert.Equal(0, LauncherProcess.Kill(redis, 9));
            await launcher.WaitForOutputAsync("redis is back", TimeSpan.FromSeconds(20));
            Assert.Contains("restarting redis in 1 s", launcher.Output);
            Assert.NotEqual(redis, launcher.ChildPids["redis"]);

            // KV was not restarted: its Redis client reconnected by itself, and the append-only file brought the key back.
            await Http.EventuallyAsync(async () => (await Http.GetAsync($"{launcher.KvUrl}/kv/before-the-kill")).Status == HttpStatusCode.OK,
                TimeSpan.FromSeconds(15), "KV answers again after the Redis restart");
            Assert.Equal("kept", (await Http.OkAsync(Http.GetAsync($"{launcher.KvUrl}/kv/before-the-kill"))).GetProperty("value").GetString());
            Assert.Equal(kv, launcher.ChildPids["kv"]);
            await Http.OkAsync(Http.PostAsync($"{launcher.KvUrl}/kv", new { key = "after-the-restart", value = 1 }));
            await LauncherConfigTests.StopCleanlyAsync(launcher);
        }
        finally
        {
            Directory.Delete(persist, recursive: true);
        }
    }
}
