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
}
