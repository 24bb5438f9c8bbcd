using System.Text;
using Sage.Storage;
using Sage.Storage.Kv;
using Sage.Testing;
using StackExchange.Redis;

namespace Sage.Storage.Tests.Kv;

public sealed class RedisKvStoreTests(RedisServerFixture fixture) : RedisKvStoreContract, IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Admin: one test reads INFO commandstats.
    protected override string ConnectionString => fixture.Server.ConnectionString + ",allowAdmin=true";

    private IDatabase Database => Redis.GetDatabase();

    [Fact]
    public void The_default_prefix_is_sage_kv_and_the_backend_is_named_redis()
    {
        var store = new RedisKvStore(Redis);

        Assert.Equal("sage:kv:", store.KeyPrefix);
        Assert.Equal("redis", store.Backend);
    }

    [Fact]
    public async Task Values_are_stored_as_their_version_then_compact_json_text_under_the_prefix()
    {
        var written = await Store.SetAsync("doc", Json("{ \"a\" : [1, 2],  \"b\" : true }"), cancellationToken: Ct);

        Assert.Equal($"#{written.ETag}{{\"a\":[1,2],\"b\":true}}", (string?)await Database.StringGetAsync(Prefix + "doc"));
        Assert.True((await Database.StringGetAsync("doc")).IsNull);
    }

    [Fact]
    public async Task A_value_stored_before_versions_has_its_sha1_etag_until_its_next_write()
    {
        await Database.StringSetAsync(Prefix + "old", "{\"unicode\":\"日本\",\"n\":1.5}");
        var legacy = KvValue.ETagOf(Encoding.UTF8.GetBytes("{\"unicode\":\"日本\",\"n\":1.5}"));
        var entry = await Store.GetAsync("old", Ct);
        Assert.Equal(legacy, entry!.ETag);
        Assert.Equal(1.5, entry.Value.GetProperty("n").GetDouble());

        var written = await Store.SetAsync("old", Json("2"), new KvSetOptions { IfMatch = $"\"{legacy.ToUpperInvariant()}\"" }, Ct);
        Assert.True(written.Applied);
        Assert.NotEqual(legacy, written.ETag);
        Assert.Equal(KvDeleteOutcome.PreconditionFailed, await Store.DeleteAsync("old", legacy, Ct));
        Assert.Equal(KvDeleteOutcome.Deleted, await Store.DeleteAsync("old", written.ETag, Ct));
    }

    [Fact]
    public async Task Reads_run_no_lua_script()
    {
        var etags = await Store.SetManyAsync([new("a", Json("1")), new("b", Json("2"), TimeSpan.FromMinutes(1))], Ct);
        var server = Redis.GetServers()[0];
        var before = await ScriptCallsAsync(server);

        var entry = await Store.GetAsync("b", Ct);
        var entries = await Store.GetManyAsync(["a", "b", "missing"], Ct);

        Assert.Equal(before, await ScriptCallsAsync(server));
        Assert.Equal(etags[1], entry!.ETag);
        Assert.InRange(entry.TimeToLive!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
        Assert.Equal([etags[0], etags[1], null], entries.Select(e => e?.ETag));
        Assert.Null(entries[0]!.TimeToLive);
    }

    [Fact]
    public async Task A_write_without_ttl_clears_an_earlier_ttl()
    {
        await Store.SetAsync("k", Json("1"), new KvSetOptions { TimeToLive = TimeSpan.FromMinutes(1) }, Ct);
        var etag = (await Store.SetAsync("k", Json("2"), cancellationToken: Ct)).ETag;
        await Store.SetAsync("k", Json("3"), new KvSetOptions { IfMatch = etag, TimeToLive = TimeSpan.FromMinutes(2) }, Ct);

        var entry = await Store.GetAsync("k", Ct);
        Assert.InRange(entry!.TimeToLive!.Value, TimeSpan.FromSeconds(100), TimeSpan.FromMinutes(2));
        await Store.SetAsync("k", Json("4"), cancellationToken: Ct);
        Assert.Null((await Store.GetAsync("k", Ct))!.TimeToLive);
    }

    [Fact]
    public async Task Scan_only_sees_keys_under_itsPrefix_even_when_thePrefix_holds_glob_characters()
    {
        var odd = new RedisKvStore(Redis, $"{Prefix}[x]*?:");
        await odd.SetAsync("inside", Json("1"), cancellationToken: Ct);
        await Database.StringSetAsync($"{Prefix}xz:outside", "1");
        await Store.SetAsync("plain", Json("1"), cancellationToken: Ct);

        var found = new List<string>();
        string? cursor = null;
        do
        {
            var page = await odd.ScanAsync("*", cursor, 10, Ct);
            found.AddRange(page.Keys);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(["inside"], found);
        Assert.Equal(1, await odd.DeleteByPatternAsync("*", Ct));
        Assert.NotNull(await Store.GetAsync("plain", Ct));
    }

    [Fact]
    public async Task Scan_pages_never_exceed_the_limit_even_when_redis_returns_bigger_batches()
    {
        var keys = Enumerable.Range(0, 120).Select(i => $"p:{i:D3}").ToArray();
        await Store.SetManyAsync(keys.Select(k => new KvWrite(k, Json("0"))).ToArray(), Ct);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Store.ScanAsync("p:*", cursor, 1, Ct);
            Assert.True(page.Keys.Count <= 1);
            seen.AddRange(page.Keys);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(keys, seen.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_value_of_several_megabytes_round_trips()
    {
        var big = Json($"{{\"blob\":\"{new string('z', 3_000_000)}\"}}");

        var written = await Store.SetAsync("big", big, cancellationToken: Ct);

        var entry = await Store.GetAsync("big", Ct);
        Assert.Equal(3_000_000, entry!.Value.GetProperty("blob").GetString()!.Length);
        Assert.Equal(written.ETag, entry.ETag);
    }

    [Fact]
    public async Task Foreign_non_string_values_under_thePrefix_are_reported_as_conflicts()
    {
        await Database.ListLeftPushAsync(Prefix + "list", "x");

        var read = await Assert.ThrowsAsync<StorageException>(async () => await Store.GetAsync("list", Ct));
        var conditional = await Assert.ThrowsAsync<StorageException>(async () =>
            await Store.SetAsync("list", Json("1"), new KvSetOptions { IfMatch = "*" }, Ct));

        Assert.Equal(StorageError.Conflict, read.Error);
        Assert.Equal(StorageError.Conflict, conditional.Error);
    }

    private static async Task<long> ScriptCallsAsync(IServer server)
    {
        var stats = await server.InfoRawAsync("commandstats");
        long calls = 0;
        foreach (var line in stats!.Split('\n'))
        {
            if (line.StartsWith("cmdstat_eval", StringComparison.Ordinal) || line.StartsWith("cmdstat_fcall", StringComparison.Ordinal))
            {
                var start = line.IndexOf("calls=", StringComparison.Ordinal) + "calls=".Length;
                calls += long.Parse(line[start..line.IndexOf(',', start)], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return calls;
    }
}

public sealed class RedisKvStoreOutageTests : IAsyncLifetime
{
    private RedisServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await RedisServer.StartAsync(cancellationToken: Ct);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task An_outage_surfaces_as_unavailable_and_the_store_works_again_after_redis_returns()
    {
        var options = RedisConnectionString.Parse(_server.ConnectionString + ",connectTimeout=1000").ToOptions();
        options.ReconnectRetryPolicy = new LinearRetry(100);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var store = new RedisKvStore(redis);
        await store.SetAsync("k", System.Text.Json.JsonDocument.Parse("1").RootElement, cancellationToken: Ct);

        await _server.StopAsync();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var down = await Assert.ThrowsAsync<StorageException>(async () => await store.GetAsync("k", Ct));
        var ping = await Assert.ThrowsAsync<StorageException>(async () => await store.PingAsync(Ct));

        Assert.Equal(StorageError.Unavailable, down.Error);
        Assert.Equal(StorageError.Unavailable, ping.Error);
        Assert.InRange(System.Diagnostics.Stopwatch.GetElapsedTime(started), TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.NotNull(down.RetryAfter);
        Assert.IsAssignableFrom<RedisException>(down.InnerException);
        Assert.Contains(_server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), down.Message, StringComparison.Ordinal);

        await _server.RestartAsync(Ct);
        // The client reconnects by itself; writes fail fast (503) until it has.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!redis.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.True((await store.SetAsync("k", System.Text.Json.JsonDocument.Parse("2").RootElement, cancellationToken: Ct)).Applied);
        Assert.Equal("2", Encoding.UTF8.GetString(KvValue.Encode((await store.GetAsync("k", Ct))!.Value)));
    }
}
