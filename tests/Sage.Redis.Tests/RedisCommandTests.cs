using System.Text;
using Sage.Testing;

namespace Sage.Redis.Tests;

public sealed class RedisCommandTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly string _prefix = $"cmd:{Guid.NewGuid():N}:";
    private RedisConnection _redis = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _redis = await RedisConnection.ConnectAsync(fixture.Server.ConnectionString, Ct);

    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task Set_then_get_round_trips_text()
    {
        Assert.True(await _redis.SetAsync(_prefix + "k", "héllo wörld", cancellationToken: Ct));

        Assert.Equal("héllo wörld", await _redis.GetStringAsync(_prefix + "k", Ct));
        Assert.Equal(Encoding.UTF8.GetBytes("héllo wörld"), await _redis.GetAsync(_prefix + "k", Ct));
    }

    [Fact]
    public async Task Binary_keys_and_values_with_every_byte_value_round_trip()
    {
        var key = Encoding.UTF8.GetBytes(_prefix).Concat(new byte[] { 0, 13, 10, 255 }).ToArray();
        var value = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        await _redis.SetAsync(key, value, cancellationToken: Ct);

        Assert.Equal(value, await _redis.GetAsync(key, Ct));
    }

    [Fact]
    public async Task Empty_value_is_distinct_from_a_missing_key()
    {
        await _redis.SetAsync(_prefix + "empty", "", cancellationToken: Ct);

        Assert.Equal("", await _redis.GetStringAsync(_prefix + "empty", Ct));
        Assert.Null(await _redis.GetStringAsync(_prefix + "missing", Ct));
    }

    [Fact]
    public async Task A_five_megabyte_value_round_trips()
    {
        var value = new byte[5 * 1024 * 1024];
        new Random(7).NextBytes(value);

        await _redis.SetAsync(_prefix + "big", value, cancellationToken: Ct);

        Assert.Equal(value, await _redis.GetAsync(_prefix + "big", Ct));
    }

    [Fact]
    public async Task Set_with_NX_and_XX_only_writes_when_the_condition_holds()
    {
        var key = _prefix + "cond";

        Assert.False(await _redis.SetAsync(key, "x", when: SetCondition.Exists, cancellationToken: Ct));
        Assert.True(await _redis.SetAsync(key, "first", when: SetCondition.NotExists, cancellationToken: Ct));
        Assert.False(await _redis.SetAsync(key, "second", when: SetCondition.NotExists, cancellationToken: Ct));
        Assert.True(await _redis.SetAsync(key, "third", when: SetCondition.Exists, cancellationToken: Ct));
        Assert.Equal("third", await _redis.GetStringAsync(key, Ct));
    }

    [Fact]
    public async Task Set_with_expiry_uses_seconds_or_milliseconds_and_keepTtl_keeps_it()
    {
        await _redis.SetAsync(_prefix + "ex", "v", TimeSpan.FromSeconds(100), cancellationToken: Ct);
        await _redis.SetAsync(_prefix + "px", "v", TimeSpan.FromMilliseconds(1500), cancellationToken: Ct);

        Assert.InRange(await _redis.PTtlAsync(_prefix + "ex", Ct), 90_000, 100_000);
        Assert.InRange(await _redis.PTtlAsync(_prefix + "px", Ct), 1, 1500);

        await _redis.SetAsync(_prefix + "ex", "changed", keepTtl: true, cancellationToken: Ct);
        Assert.InRange(await _redis.PTtlAsync(_prefix + "ex", Ct), 90_000, 100_000);
        await _redis.SetAsync(_prefix + "ex", "plain", cancellationToken: Ct);
        Assert.Equal(-1, await _redis.PTtlAsync(_prefix + "ex", Ct));
    }

    [Fact]
    public async Task Expire_pexpire_persist_and_pttl_follow_redis_semantics()
    {
        var key = _prefix + "ttl";
        Assert.Equal(-2, await _redis.PTtlAsync(key, Ct));
        Assert.False(await _redis.ExpireAsync(key, TimeSpan.FromSeconds(10), Ct));

        await _redis.SetAsync(key, "v", cancellationToken: Ct);
        Assert.True(await _redis.ExpireAsync(key, TimeSpan.FromSeconds(10), Ct));
        Assert.InRange(await _redis.PTtlAsync(key, Ct), 9_000, 10_000);
        Assert.True(await _redis.PExpireAsync(key, TimeSpan.FromMilliseconds(2500), Ct));
        Assert.InRange(await _redis.PTtlAsync(key, Ct), 1, 2500);
        Assert.True(await _redis.PersistAsync(key, Ct));
        Assert.False(await _redis.PersistAsync(key, Ct));
        Assert.Equal(-1, await _redis.PTtlAsync(key, Ct));
    }

    [Fact]
    public async Task Delete_and_unlink_report_how_many_keys_existed()
    {
        await _redis.MSetAsync([new(_prefix + "a", "1"), new(_prefix + "b", "2"), new(_prefix + "c", "3")], Ct);

        Assert.True(await _redis.DeleteAsync(_prefix + "a", Ct));
        Assert.False(await _redis.DeleteAsync(_prefix + "a", Ct));
        Assert.Equal(1, await _redis.DeleteAsync([_prefix + "b", _prefix + "nope"], Ct));
        Assert.Equal(1, await _redis.UnlinkAsync([_prefix + "c", _prefix + "nope"], Ct));
        Assert.Null(await _redis.GetAsync(_prefix + "c", Ct));
    }

    [Fact]
    public async Task MGet_returns_values_in_key_order_with_null_for_missing_keys()
    {
        await _redis.MSetAsync([new(_prefix + "x", "X"), new(_prefix + "y", new byte[] { 1, 2 })], Ct);

        var values = await _redis.MGetAsync([_prefix + "y", _prefix + "missing", _prefix + "x"], Ct);

        Assert.Equal([new byte[] { 1, 2 }, null, "X"u8.ToArray()], values);
    }

    [Fact]
    public async Task Scan_with_match_visits_every_matching_key_across_pages()
    {
        var expected = Enumerable.Range(0, 60).Select(i => $"{_prefix}scan:{i}").ToHashSet();
        await _redis.MSetAsync([.. expected.Select(k => new KeyValuePair<RedisValue, RedisValue>(k, "v"))], Ct);
        await _redis.SetAsync(_prefix + "other", "v", cancellationToken: Ct);

        var found = new HashSet<string>();
        var pages = 0;
        ulong cursor = 0;
        do
        {
            var page = await _redis.ScanAsync(cursor, _prefix + "scan:*", 10, Ct);
            found.UnionWith(page.Keys);
            cursor = page.Cursor;
            pages++;
        }
        while (cursor != 0);

        Assert.Equal(expected, found);
        Assert.True(pages > 1);
        Assert.Equal(expected, await _redis.ScanKeysAsync(_prefix + "scan:*", 25, Ct).ToHashSetAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Ping_returns_a_positive_round_trip_time_and_info_reports_the_server()
    {
        var roundTrip = await _redis.PingAsync(Ct);
        var info = await _redis.InfoAsync("server", Ct);

        Assert.InRange(roundTrip, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(5));
        Assert.Contains("redis_version:", info, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_returns_integers_and_nested_arrays()
    {
        var counter = await _redis.ExecuteAsync("INCRBY", [_prefix + "n", 41L], Ct);
        var nested = await _redis.EvalAsync("return {1, {'two', false}, redis.status_reply('ok')}", [], [], Ct);

        Assert.Equal((RedisReplyKind.Integer, 41L), (counter.Kind, counter.AsInt64()));
        Assert.Equal("*[:1, *[$\"two\", $nil], +ok]", nested.ToString());
    }

    [Fact]
    public async Task An_error_reply_throws_a_server_exception_with_the_server_text()
    {
        await _redis.SetAsync(_prefix + "text", "abc", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RedisServerException>(() => _redis.ExecuteAsync("INCR", [_prefix + "text"], Ct));
        var unknown = await Assert.ThrowsAsync<RedisServerException>(() => _redis.ExecuteAsync("NOSUCHCOMMAND", [], Ct));

        Assert.Equal("ERR value is not an integer or out of range", error.Message);
        Assert.Equal("ERR", unknown.Prefix);
        Assert.Equal("abc", await _redis.GetStringAsync(_prefix + "text", Ct));
    }

    [Fact]
    public async Task Error_replies_nested_in_a_script_result_stay_as_error_elements()
    {
        var reply = await _redis.EvalAsync("return {redis.error_reply('BOOM inner'), 5}", [], [], Ct);

        Assert.True(reply.Elements[0].IsError);
        Assert.Equal("BOOM inner", reply.Elements[0].ErrorMessage);
        Assert.Equal(5, reply.Elements[1].AsInt64());
    }
}
