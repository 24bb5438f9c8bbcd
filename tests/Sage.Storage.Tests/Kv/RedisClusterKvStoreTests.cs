using Sage.Storage.Kv;
using Sage.Testing;
using StackExchange.Redis;

namespace Sage.Storage.Tests.Kv;

/// <summary>The KV contract, and what only a cluster can break, against a real three-master Redis Cluster.</summary>
public sealed class RedisClusterKvStoreTests(RedisClusterFixture fixture) : RedisKvStoreContract, IClassFixture<RedisClusterFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override string ConnectionString => fixture.Cluster.ConnectionString;

    [Fact]
    public void The_client_sees_a_cluster_of_three_masters()
    {
        var masters = Redis.GetServers().Where(s => !s.IsReplica).ToArray();

        Assert.Equal(3, masters.Length);
        Assert.All(masters, s => Assert.Equal(ServerType.Cluster, s.ServerType));
    }

    [Fact]
    public async Task Batch_set_and_batch_get_span_hash_slots_on_every_master()
    {
        var keys = Enumerable.Range(0, 60).Select(i => $"batch:{i}").ToArray();
        Assert.True(keys.Select(k => Redis.HashSlot(Prefix + k)).Distinct().Count() > 50);

        var etags = await Store.SetManyAsync(keys.Select((k, i) => new KvWrite(k, Json(i.ToString()), i % 2 == 0 ? TimeSpan.FromMinutes(5) : null)).ToArray(), Ct);
        var entries = await Store.GetManyAsync([.. keys, "missing"], Ct);

        Assert.Equal(etags, entries.Take(keys.Length).Select(e => e!.ETag));
        Assert.Equal(Enumerable.Range(0, 60).Select(i => i.ToString()), entries.Take(keys.Length).Select(e => e!.Value.GetRawText()));
        Assert.All(entries.Take(keys.Length).Where((_, i) => i % 2 == 0), e => Assert.NotNull(e!.TimeToLive));
        Assert.Null(entries[^1]);
        Assert.All(await KeysPerMasterAsync(), count => Assert.True(count > 0, "every master holds some of the batch"));
    }

    [Fact]
    public async Task Compare_and_set_and_conditional_delete_work_on_keys_of_every_master()
    {
        foreach (var key in Enumerable.Range(0, 12).Select(i => $"cas:{i}"))
        {
            var first = await Store.SetAsync(key, Json("1"), new KvSetOptions { OnlyIfAbsent = true }, Ct);
            Assert.False((await Store.SetAsync(key, Json("2"), new KvSetOptions { IfMatch = KvValue.ETagOf("0"u8) }, Ct)).Applied);
            var second = await Store.SetAsync(key, Json("2"), new KvSetOptions { IfMatch = first.ETag }, Ct);
            Assert.True(second.Applied);
            Assert.Equal(KvDeleteOutcome.PreconditionFailed, await Store.DeleteAsync(key, first.ETag, Ct));
            Assert.Equal(KvDeleteOutcome.Deleted, await Store.DeleteAsync(key, second.ETag, Ct));
        }
    }

    [Fact]
    public async Task Listing_visits_every_master_once_per_key_with_a_stable_cursor()
    {
        var keys = Enumerable.Range(0, 300).Select(i => $"list:{i:D3}").ToArray();
        await Store.SetManyAsync(keys.Select(k => new KvWrite(k, Json("0"))).ToArray(), Ct);
        await Store.SetAsync("other", Json("0"), cancellationToken: Ct);

        var seen = new List<string>();
        var cursors = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Store.ScanAsync("list:*", cursor, 7, Ct);
            Assert.True(page.Keys.Count <= 7);
            seen.AddRange(page.Keys);
            cursor = page.NextCursor;
            if (cursor is not null)
            {
                cursors.Add(cursor);
                Assert.True(cursors.Count < 1000, "scan never finished");
            }
        }
        while (cursor is not null);

        Assert.Equal(keys, seen.Order(StringComparer.Ordinal));
        // Resuming from any cursor again gives the same page: the cursor is the whole state.
        var again = await Store.ScanAsync("list:*", cursors[^1], 7, Ct);
        Assert.Equal(again.Keys, (await Store.ScanAsync("list:*", cursors[^1], 7, Ct)).Keys);
    }

    [Fact]
    public async Task Delete_by_pattern_removes_matching_keys_on_every_master_and_nothing_else()
    {
        var keys = Enumerable.Range(0, 90).Select(i => $"tmp:{i}").ToArray();
        await Store.SetManyAsync([.. keys.Select(k => new KvWrite(k, Json("0"))), new("keep:1", Json("1")), new("keep:2", Json("2"))], Ct);
        Assert.All(await KeysPerMasterAsync(), count => Assert.True(count > 0));

        Assert.Equal(90, await Store.DeleteByPatternAsync("tmp:*", Ct));

        Assert.Equal(["keep:1", "keep:2"], (await ScanAllAsync("*", 50)).Order(StringComparer.Ordinal));
        Assert.Equal(2, await Store.DeleteManyAsync(["keep:1", "keep:2", "gone"], Ct));
    }

    // How many of this test's keys each master holds.
    private async Task<long[]> KeysPerMasterAsync()
    {
        var counts = new List<long>();
        foreach (var master in Redis.GetServers().Where(s => !s.IsReplica))
        {
            long count = 0;
            await foreach (var _ in master.KeysAsync(pattern: RedisGlob.Escape(Prefix) + "*").WithCancellation(Ct))
            {
                count++;
            }

            counts.Add(count);
        }

        return [.. counts];
    }
}
