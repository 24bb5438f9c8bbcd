using System.Text;
using Sage.Redis;
using Sage.Storage;
using Sage.Storage.Kv;
using Sage.Testing;

namespace Sage.Storage.Tests.Kv;

public sealed class RedisKvStoreTests(RedisServerFixture fixture) : KvStoreContract, IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = $"sage:kv:test:{Guid.NewGuid():N}:";
    private RedisConnection? _redis;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RedisConnection Redis => _redis ?? throw new InvalidOperationException("Not connected.");

    protected override async ValueTask<IKvStore> CreateStoreAsync()
    {
        // A fresh prefix per test keeps tests on the shared server apart, as a fresh store would be.
        _redis = await RedisConnection.ConnectAsync(fixture.Server.ConnectionString);
        return new RedisKvStore(_redis, _prefix);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public void The_default_prefix_is_sage_kv_and_the_backend_is_named_redis()
    {
        var store = new RedisKvStore(Redis);

        Assert.Equal("sage:kv:", store.KeyPrefix);
        Assert.Equal("redis", store.Backend);
    }

    [Fact]
    public async Task Values_are_stored_as_compact_json_text_under_the_prefix()
    {
        await Store.SetAsync("doc", Json("{ \"a\" : [1, 2],  \"b\" : true }"), cancellationToken: Ct);

        Assert.Equal("{\"a\":[1,2],\"b\":true}", await Redis.GetStringAsync(_prefix + "doc", Ct));
        Assert.Null(await Redis.GetStringAsync("doc", Ct));
    }

    [Fact]
    public async Task ETags_computed_by_redis_in_lua_match_the_ones_computed_in_dotnet()
    {
        var written = await Store.SetAsync("k", Json("{\"unicode\":\"日本\",\"n\":1.5}"), cancellationToken: Ct);
        var stored = (await Redis.GetAsync(_prefix + "k", Ct))!;
        var sha = await Redis.EvalAsync("return redis.sha1hex(redis.call('GET', KEYS[1]))", [_prefix + "k"], [], Ct);

        Assert.Equal(KvValue.ETagOf(stored), written.ETag);
        Assert.Equal(written.ETag, sha.AsString());
        Assert.True((await Store.SetAsync("k", Json("2"), new KvSetOptions { IfMatch = $"\"{written.ETag!.ToUpperInvariant()}\"" }, Ct)).Applied);
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
    public async Task Scan_only_sees_keys_under_its_prefix_even_when_the_prefix_holds_glob_characters()
    {
        var odd = new RedisKvStore(Redis, $"{_prefix}[x]*?:");
        await odd.SetAsync("inside", Json("1"), cancellationToken: Ct);
        await Redis.SetAsync($"{_prefix}xz:outside", "1", cancellationToken: Ct);
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
    public async Task Foreign_non_string_values_under_the_prefix_are_reported_as_conflicts()
    {
        await Redis.ExecuteAsync("LPUSH", [_prefix + "list", "x"], Ct);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await Store.GetAsync("list", Ct));

        Assert.Equal(StorageError.Conflict, error.Error);
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
        var options = RedisOptions.Parse(_server.ConnectionString);
        options.ReconnectMinDelay = TimeSpan.FromMilliseconds(20);
        options.ReconnectMaxDelay = TimeSpan.FromMilliseconds(200);
        await using var redis = await RedisConnection.ConnectAsync(options, Ct);
        var store = new RedisKvStore(redis);
        await store.SetAsync("k", System.Text.Json.JsonDocument.Parse("1").RootElement, cancellationToken: Ct);

        await _server.StopAsync();
        var down = await Assert.ThrowsAsync<StorageException>(async () => await store.GetAsync("k", Ct));
        var ping = await Assert.ThrowsAsync<StorageException>(async () => await store.PingAsync(Ct));

        Assert.Equal(StorageError.Unavailable, down.Error);
        Assert.Equal(StorageError.Unavailable, ping.Error);
        Assert.NotNull(down.RetryAfter);
        Assert.IsAssignableFrom<RedisException>(down.InnerException);

        await _server.RestartAsync(Ct);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!redis.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.True((await store.SetAsync("k", System.Text.Json.JsonDocument.Parse("2").RootElement, cancellationToken: Ct)).Applied);
        Assert.Equal("2", Encoding.UTF8.GetString(KvValue.Encode((await store.GetAsync("k", Ct))!.Value)));
    }
}
