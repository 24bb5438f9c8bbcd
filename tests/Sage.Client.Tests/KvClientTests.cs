using System.Net;
using System.Text.Json;
using Sage.Client.Kv;

namespace Sage.Client.Tests;

/// <summary>Every KV route through <see cref="KvClient"/> against the real service; each test writes under its own key prefix.</summary>
public sealed class KvClientTests(KvClientTests.Host host) : IClassFixture<KvClientTests.Host>
{
    private readonly KvClient _kv = host.Service.CreateKvClient();
    private readonly string _p = $"t{Guid.NewGuid():N}:";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public async Task Set_then_get_returns_value_ttl_and_the_etag_from_the_header()
    {
        var written = await _kv.SetAsync(_p + "a", Json("""{"x":[1,2]}"""), ttl: 60, Ct);
        var entry = await _kv.GetAsync(_p + "a", Ct);

        Assert.NotNull(entry);
        Assert.Equal(_p + "a", written.Key);
        Assert.Equal("""{"x":[1,2]}""", entry.Value.GetRawText());
        Assert.InRange(entry.Ttl!.Value, 1, 60);
        Assert.Equal(written.Etag, entry.Etag);
    }

    [Fact]
    public async Task Get_of_a_missing_key_is_null() => Assert.Null(await _kv.GetAsync(_p + "missing", Ct));

    [Fact]
    public async Task Put_if_none_match_creates_once_then_fails_with_412()
    {
        await _kv.PutAsync(_p + "k", Json("1"), ifNoneMatch: true, cancellationToken: Ct);
        var error = await Assert.ThrowsAsync<SageApiException>(() => _kv.PutAsync(_p + "k", Json("2"), ifNoneMatch: true, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.PreconditionFailed, error.StatusCode);
        Assert.Equal("The precondition did not hold; nothing was changed.", error.Title);
        Assert.Contains("If-None-Match", error.Detail);
        Assert.False(string.IsNullOrEmpty(error.TraceId));
        Assert.Equal("1", (await _kv.GetAsync(_p + "k", Ct))!.Value.GetRawText());
    }

    [Fact]
    public async Task Put_if_match_writes_only_with_the_current_etag_quoted_or_not()
    {
        var first = await _kv.PutAsync(_p + "k", Json("1"), ttl: 30, cancellationToken: Ct);
        var stale = await Assert.ThrowsAsync<SageApiException>(() => _kv.PutAsync(_p + "k", Json("2"), ifMatch: "0000", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);

        var second = await _kv.PutAsync(_p + "k", Json("2"), ifMatch: first.Etag, cancellationToken: Ct);
        await _kv.PutAsync(_p + "k", Json("3"), ifMatch: $"\"{second.Etag}\"", cancellationToken: Ct);
        Assert.Equal("3", (await _kv.GetAsync(_p + "k", Ct))!.Value.GetRawText());
    }

    [Fact]
    public async Task Delete_honours_if_match_and_reports_a_missing_key_as_false()
    {
        var written = await _kv.SetAsync(_p + "k", Json("1"), cancellationToken: Ct);
        var refused = await Assert.ThrowsAsync<SageApiException>(() => _kv.DeleteAsync(_p + "k", "bad", Ct));
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);

        Assert.True(await _kv.DeleteAsync(_p + "k", written.Etag, Ct));
        Assert.False(await _kv.DeleteAsync(_p + "k", cancellationToken: Ct));
    }

    [Fact]
    public async Task List_pages_with_pattern_cursor_and_limit()
    {
        var keys = Enumerable.Range(0, 25).Select(i => $"{_p}item:{i:D2}").ToArray();
        await _kv.BatchSetAsync([.. keys.Select(k => new KvBatchItem(k, Json("0")))], Ct);
        await _kv.SetAsync(_p + "other", Json("0"), cancellationToken: Ct);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await _kv.ListAsync(_p + "item:*", cursor, 10, Ct);
            Assert.True(page.Keys.Count <= 10);
            seen.AddRange(page.Keys);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(keys, seen.Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(keys, (await _kv.ListAllAsync(_p + "item:*", 7, Ct).ToListAsync(Ct)).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Delete_by_pattern_deletes_only_matching_keys()
    {
        await _kv.BatchSetAsync([new(_p + "tmp:1", Json("1")), new(_p + "tmp:2", Json("2")), new(_p + "keep", Json("3"))], Ct);
        var answer = await _kv.DeleteByPatternAsync(_p + "tmp:*", Ct);
        Assert.Equal(2, answer.Deleted);
        Assert.Equal([_p + "keep"], (await _kv.ListAsync(_p + "*", cancellationToken: Ct)).Keys);
    }

    [Fact]
    public async Task Batch_set_and_batch_get_keep_order_with_etags_and_missing_keys()
    {
        var set = await _kv.BatchSetAsync([new(_p + "a", Json("1")), new(_p + "b", Json("\"two\""), 300)], Ct);
        var got = await _kv.BatchGetAsync([_p + "b", _p + "missing", _p + "a"], Ct);

        Assert.Equal([_p + "b", _p + "a"], got.Items.Select(i => i.Key));
        Assert.Equal([_p + "missing"], got.Missing);
        Assert.Equal(set.Items[0].Etag, got.Items[1].Etag);
        Assert.NotNull(got.Items[0].Ttl);
    }

    [Fact]
    public async Task A_bad_request_is_a_400_naming_each_bad_field()
    {
        var error = await Assert.ThrowsAsync<SageApiException>(() => _kv.SetAsync("bad\u0001key", Json("1"), ttl: -5, Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal(["key", "ttl"], error.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("control characters", error.Errors["key"][0]);
        Assert.Equal(400, error.Problem.Status);
        Assert.Null(error.RetryAfter);
    }

    [Fact]
    public async Task A_value_over_the_limit_is_a_413()
    {
        var error = await Assert.ThrowsAsync<SageApiException>(() => _kv.SetAsync(_p + "big", Json($"\"{new string('x', 2 * 1024 * 1024)}\""), cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, error.StatusCode);
    }

    [Fact]
    public async Task Health_reports_the_backend_check()
    {
        var health = await _kv.GetHealthAsync(Ct);
        Assert.True(health.IsHealthy);
        Assert.Contains("kv-backend", health.Checks!.Keys);
    }

    public sealed class Host : IAsyncDisposable
    {
        public KvServiceFactory Service { get; } = new();

        public ValueTask DisposeAsync() => Service.DisposeAsync();
    }
}
