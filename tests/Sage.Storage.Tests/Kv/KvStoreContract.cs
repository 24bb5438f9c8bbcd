using System.Text.Json;
using Sage.Storage;
using Sage.Storage.Kv;

namespace Sage.Storage.Tests.Kv;

/// <summary>The behaviour every <see cref="IKvStore"/> must have; each backend's test class derives from this.</summary>
public abstract class KvStoreContract : IAsyncLifetime
{
    private IKvStore? _store;

    protected IKvStore Store => _store ?? throw new InvalidOperationException("Store not created.");

    /// <summary>A fresh, empty store (Redis backends: a fresh key prefix).</summary>
    protected abstract ValueTask<IKvStore> CreateStoreAsync();

    public async ValueTask InitializeAsync() => _store = await CreateStoreAsync();

    public virtual ValueTask DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    protected static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_returns_null_when_key_is_missing() =>
        Assert.Null(await Store.GetAsync("missing", Ct));

    [Fact]
    public async Task Set_then_get_round_trips_any_json_value()
    {
        foreach (var json in new[] { "\"hello\"", "42", "3.5", "true", "null", "[1,\"a\",{\"b\":[]}]", "{\"nested\":{\"x\":\"ü\\u0000\"}}" })
        {
            var result = await Store.SetAsync("k", Json(json), cancellationToken: Ct);
            Assert.True(result.Applied);
            var entry = await Store.GetAsync("k", Ct);
            Assert.NotNull(entry);
            Assert.Equal(JsonSerializer.Serialize(Json(json)), JsonSerializer.Serialize(entry.Value));
            Assert.Equal(result.ETag, entry.ETag);
        }
    }

    [Fact]
    public async Task Every_write_gets_a_new_etag_even_when_the_value_comes_back()
    {
        var a = await Store.SetAsync("k", Json("\"A\""), cancellationToken: Ct);
        var b = await Store.SetAsync("k", Json("\"B\""), cancellationToken: Ct);
        var again = await Store.SetAsync("k", Json("\"A\""), cancellationToken: Ct);
        var batch = await Store.SetManyAsync([new("k", Json("\"A\""))], Ct);
        Assert.Equal(4, new[] { a.ETag, b.ETag, again.ETag, batch[0] }.Distinct().Count());
        Assert.Equal(batch[0], (await Store.GetAsync("k", Ct))!.ETag);

        Assert.False((await Store.SetAsync("k", Json("\"stale\""), new KvSetOptions { IfMatch = a.ETag }, Ct)).Applied);
        Assert.Equal(KvDeleteOutcome.PreconditionFailed, await Store.DeleteAsync("k", a.ETag, Ct));
        Assert.Equal("\"A\"", (await Store.GetAsync("k", Ct))!.Value.GetRawText());
    }

    [Fact]
    public async Task Two_keys_with_the_same_value_have_different_etags()
    {
        var a = await Store.SetAsync("a", Json("{ \"x\" : 1 }"), cancellationToken: Ct);
        var b = await Store.SetAsync("b", Json("{\"x\":1}"), cancellationToken: Ct);
        Assert.NotEqual(a.ETag, b.ETag);
    }

    [Fact]
    public async Task If_none_match_refuses_the_write_only_when_the_current_etag_matches()
    {
        var current = await Store.SetAsync("k", Json("1"), cancellationToken: Ct);
        Assert.False((await Store.SetAsync("k", Json("2"), new KvSetOptions { IfNoneMatch = current.ETag }, Ct)).Applied);
        Assert.Equal("1", (await Store.GetAsync("k", Ct))!.Value.GetRawText());

        Assert.True((await Store.SetAsync("k", Json("3"), new KvSetOptions { IfNoneMatch = "another-version" }, Ct)).Applied);
        Assert.Equal("3", (await Store.GetAsync("k", Ct))!.Value.GetRawText());
        Assert.True((await Store.SetAsync("missing", Json("4"), new KvSetOptions { IfNoneMatch = current.ETag }, Ct)).Applied);
    }

    [Fact]
    public async Task A_ttl_above_the_maximum_is_refused_and_changes_nothing()
    {
        await Store.SetAsync("k", Json("1"), cancellationToken: Ct);
        var tooLong = TimeSpan.FromSeconds(TtlRules.MaxSeconds + 1);
        var error = await Assert.ThrowsAsync<StorageException>(async () =>
            await Store.SetAsync("k", Json("2"), new KvSetOptions { TimeToLive = tooLong }, Ct));
        Assert.Equal(StorageError.Invalid, error.Error);
        await Assert.ThrowsAsync<StorageException>(async () => await Store.SetManyAsync([new("k", Json("3"), tooLong)], Ct));
        var entry = await Store.GetAsync("k", Ct);
        Assert.Equal("1", entry!.Value.GetRawText());
        Assert.Null(entry.TimeToLive);
    }

    [Fact]
    public async Task The_maximum_ttl_is_kept()
    {
        await Store.SetAsync("k", Json("1"), new KvSetOptions { TimeToLive = TimeSpan.FromSeconds(TtlRules.MaxSeconds) }, Ct);
        var entry = await Store.GetAsync("k", Ct);
        Assert.NotNull(entry);
        Assert.InRange(entry.TimeToLive!.Value, TimeSpan.FromSeconds(TtlRules.MaxSeconds - 60), TimeSpan.FromSeconds(TtlRules.MaxSeconds));
    }

    [Fact]
    public async Task Ttl_is_reported_and_key_expires()
    {
        // Whole seconds: the unit of the HTTP API, so remote stores run this test too.
        await Store.SetAsync("short", Json("1"), new KvSetOptions { TimeToLive = TimeSpan.FromSeconds(1) }, Ct);
        await Store.SetAsync("forever", Json("1"), cancellationToken: Ct);
        var entry = await Store.GetAsync("short", Ct);
        Assert.NotNull(entry?.TimeToLive);
        Assert.InRange(entry.TimeToLive!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.Null((await Store.GetAsync("forever", Ct))!.TimeToLive);

        await Task.Delay(1300, Ct);
        Assert.Null(await Store.GetAsync("short", Ct));
        Assert.DoesNotContain("short", (await Store.ScanAsync("*", null, 100, Ct)).Keys);
    }

    [Fact]
    public async Task Set_rejects_a_non_positive_ttl_and_changes_nothing()
    {
        await Store.SetAsync("k", Json("1"), cancellationToken: Ct);
        var error = await Assert.ThrowsAsync<StorageException>(async () =>
            await Store.SetAsync("k", Json("2"), new KvSetOptions { TimeToLive = TimeSpan.Zero }, Ct));
        Assert.Equal(StorageError.Invalid, error.Error);
        Assert.Equal("ttl", error.Field);
        Assert.Equal("1", (await Store.GetAsync("k", Ct))!.Value.GetRawText());
    }

    [Fact]
    public async Task If_match_writes_only_when_etag_matches()
    {
        var first = await Store.SetAsync("k", Json("1"), cancellationToken: Ct);
        var stale = await Store.SetAsync("k", Json("2"), new KvSetOptions { IfMatch = "0000" }, Ct);
        Assert.False(stale.Applied);
        Assert.Equal("1", (await Store.GetAsync("k", Ct))!.Value.GetRawText());

        var fresh = await Store.SetAsync("k", Json("2"), new KvSetOptions { IfMatch = first.ETag }, Ct);
        Assert.True(fresh.Applied);
        Assert.Equal("2", (await Store.GetAsync("k", Ct))!.Value.GetRawText());
    }

    [Fact]
    public async Task If_match_fails_when_key_is_missing()
    {
        var result = await Store.SetAsync("nope", Json("1"), new KvSetOptions { IfMatch = "any-version" }, Ct);
        Assert.False(result.Applied);
        Assert.Null(await Store.GetAsync("nope", Ct));
    }

    [Fact]
    public async Task Only_if_absent_creates_once()
    {
        Assert.True((await Store.SetAsync("k", Json("1"), new KvSetOptions { OnlyIfAbsent = true }, Ct)).Applied);
        Assert.False((await Store.SetAsync("k", Json("2"), new KvSetOptions { OnlyIfAbsent = true }, Ct)).Applied);
        Assert.Equal("1", (await Store.GetAsync("k", Ct))!.Value.GetRawText());
    }

    [Fact]
    public async Task Concurrent_compare_and_set_lets_exactly_one_writer_win()
    {
        var start = await Store.SetAsync("counter", Json("0"), cancellationToken: Ct);
        var attempts = Enumerable.Range(1, 16).Select(i =>
            Store.SetAsync("counter", Json(i.ToString()), new KvSetOptions { IfMatch = start.ETag }, Ct).AsTask());
        var results = await Task.WhenAll(attempts);
        Assert.Single(results, r => r.Applied);
    }

    [Fact]
    public async Task Delete_reports_outcome_and_honours_if_match()
    {
        var written = await Store.SetAsync("k", Json("1"), cancellationToken: Ct);
        Assert.Equal(KvDeleteOutcome.PreconditionFailed, await Store.DeleteAsync("k", "bad", Ct));
        Assert.NotNull(await Store.GetAsync("k", Ct));
        Assert.Equal(KvDeleteOutcome.Deleted, await Store.DeleteAsync("k", written.ETag, Ct));
        Assert.Equal(KvDeleteOutcome.NotFound, await Store.DeleteAsync("k", cancellationToken: Ct));
        Assert.Null(await Store.GetAsync("k", Ct));
    }

    [Fact]
    public async Task Batch_set_and_get_keep_order_and_report_missing_keys()
    {
        var etags = await Store.SetManyAsync([new("a", Json("1")), new("b", Json("\"two\""), TimeSpan.FromMinutes(5))], Ct);
        Assert.Equal(2, etags.Count);
        var entries = await Store.GetManyAsync(["b", "missing", "a"], Ct);
        Assert.Equal("\"two\"", entries[0]!.Value.GetRawText());
        Assert.NotNull(entries[0]!.TimeToLive);
        Assert.Null(entries[1]);
        Assert.Equal("1", entries[2]!.Value.GetRawText());
        Assert.Equal(etags[0], entries[2]!.ETag);
    }

    [Fact]
    public async Task Batch_set_with_a_bad_item_writes_nothing()
    {
        await Assert.ThrowsAsync<StorageException>(async () =>
            await Store.SetManyAsync([new("a", Json("1")), new("b", Json("2"), TimeSpan.FromSeconds(-1))], Ct));
        Assert.Null(await Store.GetAsync("a", Ct));
        Assert.Null(await Store.GetAsync("b", Ct));
    }

    [Fact]
    public async Task Delete_many_counts_existing_keys()
    {
        await Store.SetManyAsync([new("a", Json("1")), new("b", Json("2"))], Ct);
        Assert.Equal(2, await Store.DeleteManyAsync(["a", "b", "c"], Ct));
        Assert.Null(await Store.GetAsync("a", Ct));
    }

    [Theory]
    [InlineData("user:*", new[] { "user:1", "user:22", "user:" })]
    [InlineData("user:?", new[] { "user:1" })]
    [InlineData("user:[12]*", new[] { "user:1", "user:22" })]
    [InlineData("user:[^1]*", new[] { "user:22" })]
    [InlineData("*e*", new[] { "user:1", "user:22", "user:", "session*", "sessionX" })]
    [InlineData("session\\*", new[] { "session*" })]
    [InlineData("h[a-c]llo", new[] { "hallo", "hbllo" })]
    public async Task Scan_matches_redis_glob_patterns(string pattern, string[] expected)
    {
        string[] keys = ["user:1", "user:22", "user:", "session*", "sessionX", "hallo", "hbllo", "hxllo"];
        await Store.SetManyAsync(keys.Select(k => new KvWrite(k, Json("0"))).ToArray(), Ct);
        var found = await ScanAllAsync(pattern, 3);
        Assert.Equal(expected.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Scan_pages_through_every_key_once_with_cursor_and_limit()
    {
        var keys = Enumerable.Range(0, 250).Select(i => $"item:{i:D4}").ToArray();
        await Store.SetManyAsync(keys.Select(k => new KvWrite(k, Json("0"))).ToArray(), Ct);
        string? cursor = null;
        var seen = new List<string>();
        var pages = 0;
        do
        {
            var page = await Store.ScanAsync("item:*", cursor, 40, Ct);
            Assert.True(page.Keys.Count <= 40, $"page held {page.Keys.Count} keys");
            seen.AddRange(page.Keys);
            cursor = page.NextCursor;
            Assert.True(++pages < 1000, "scan never finished");
        }
        while (cursor is not null);
        Assert.Equal(keys.Order(StringComparer.Ordinal), seen.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Scan_rejects_a_cursor_it_did_not_issue()
    {
        var error = await Assert.ThrowsAsync<StorageException>(async () => await Store.ScanAsync("*", "%%not-a-cursor%%", 10, Ct));
        Assert.Equal(StorageError.Invalid, error.Error);
        Assert.Equal("cursor", error.Field);
    }

    [Fact]
    public async Task Delete_by_pattern_removes_only_matching_keys()
    {
        await Store.SetManyAsync([new("tmp:1", Json("1")), new("tmp:2", Json("2")), new("keep", Json("3"))], Ct);
        Assert.Equal(2, await Store.DeleteByPatternAsync("tmp:*", Ct));
        Assert.Equal(["keep"], await ScanAllAsync("*", 10));
    }

    [Fact]
    public async Task Ping_answers_when_backend_is_up() =>
        Assert.True(await Store.PingAsync(Ct) >= TimeSpan.Zero);

    protected async Task<List<string>> ScanAllAsync(string pattern, int limit)
    {
        string? cursor = null;
        var keys = new List<string>();
        do
        {
            var page = await Store.ScanAsync(pattern, cursor, limit, Ct);
            keys.AddRange(page.Keys);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return keys.Distinct().ToList();
    }
}
