using System.Diagnostics;
using Sage.Testing;

namespace Sage.Redis.Tests;

// BLPOP on an empty list blocks only this test's connection, so the shared server stays responsive for others.
public sealed class TimeoutAndCancellationTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = $"slow:{Guid.NewGuid():N}:";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_command_stuck_behind_a_slow_one_times_out_and_later_replies_stay_matched()
    {
        await using var redis = await RedisConnection.ConnectAsync($"{fixture.Server.ConnectionString},syncTimeout=250", Ct);
        await redis.SetAsync(_prefix + "k", "value", cancellationToken: Ct);

        var blocking = redis.ExecuteAsync("BLPOP", [_prefix + "empty", 2L], Ct);
        var started = Stopwatch.GetTimestamp();
        var stuck = await Assert.ThrowsAsync<RedisTimeoutException>(() => redis.GetStringAsync(_prefix + "k", Ct));
        var waited = Stopwatch.GetElapsedTime(started);

        Assert.InRange(waited, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1800));
        Assert.Contains("GET", stuck.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RedisTimeoutException>(() => blocking);

        // The late BLPOP and GET replies must be consumed by their own (timed-out) slots, not by new callers.
        await Task.Delay(2000, Ct);
        Assert.Equal("value", await redis.GetStringAsync(_prefix + "k", Ct));
        Assert.True(redis.IsConnected);
    }

    [Fact]
    public async Task Cancelling_a_waiting_command_returns_at_once_and_leaves_the_connection_usable()
    {
        await using var redis = await RedisConnection.ConnectAsync(fixture.Server.ConnectionString, Ct);
        await redis.SetAsync(_prefix + "c", "still here", cancellationToken: Ct);
        var blocking = redis.ExecuteAsync("BLPOP", [_prefix + "empty", 2L], Ct);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var waiting = redis.GetStringAsync(_prefix + "c", cancel.Token);
        var started = Stopwatch.GetTimestamp();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.Zero, TimeSpan.FromMilliseconds(1500));
        Assert.True((await blocking).IsNull);
        Assert.Equal("still here", await redis.GetStringAsync(_prefix + "c", Ct));
    }

    [Fact]
    public async Task An_already_cancelled_token_fails_without_sending()
    {
        await using var redis = await RedisConnection.ConnectAsync(fixture.Server.ConnectionString, Ct);
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => redis.SetAsync(_prefix + "never", "x", cancellationToken: cancel.Token));

        Assert.Null(await redis.GetAsync(_prefix + "never", Ct));
    }

    [Fact]
    public async Task Commands_beyond_the_pending_limit_are_refused_at_once()
    {
        var options = RedisOptions.Parse(fixture.Server.ConnectionString);
        options.MaxPendingCommands = 5;
        await using var redis = await RedisConnection.ConnectAsync(options, Ct);

        var blocking = redis.ExecuteAsync("BLPOP", [_prefix + "empty", 1L], Ct);
        var queued = Enumerable.Range(0, 4).Select(i => redis.ExecuteAsync("ECHO", [i], Ct)).ToArray();
        var refused = await Assert.ThrowsAsync<RedisConnectionException>(() => redis.ExecuteAsync("ECHO", ["one too many"], Ct));

        Assert.Contains("Too many commands pending", refused.Message, StringComparison.Ordinal);
        await blocking;
        Assert.Equal(["0", "1", "2", "3"], (await Task.WhenAll(queued)).Select(r => r.AsString()));
    }
}
