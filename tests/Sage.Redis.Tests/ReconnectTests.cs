using System.Diagnostics;
using Sage.Testing;

namespace Sage.Redis.Tests;

public sealed class ReconnectTests : IAsyncLifetime
{
    private RedisServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await RedisServer.StartAsync(cancellationToken: Ct);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task An_outage_fails_callers_fast_and_the_same_connection_recovers_when_the_server_returns()
    {
        var options = RedisOptions.Parse(_server.ConnectionString);
        options.ReconnectMinDelay = TimeSpan.FromMilliseconds(20);
        options.ReconnectMaxDelay = TimeSpan.FromMilliseconds(200);
        await using var redis = await RedisConnection.ConnectAsync(options, Ct);
        var failed = new TaskCompletionSource<RedisConnectionEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var restored = new TaskCompletionSource<RedisConnectionEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        redis.ConnectionFailed += (_, e) => failed.TrySetResult(e);
        redis.ConnectionRestored += (_, e) => restored.TrySetResult(e);
        await redis.PingAsync(Ct);
        var inFlight = redis.ExecuteAsync("BLPOP", ["outage:empty", 30L], Ct);
        await Task.Delay(100, Ct);

        var started = Stopwatch.GetTimestamp();
        await _server.StopAsync();
        await Assert.ThrowsAsync<RedisConnectionException>(() => inFlight);
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.Zero, TimeSpan.FromSeconds(3));

        Assert.NotNull((await failed.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Error);
        Assert.False(redis.IsConnected);
        started = Stopwatch.GetTimestamp();
        var whileDown = await Assert.ThrowsAsync<RedisConnectionException>(() => redis.GetAsync("outage:k", Ct));
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Contains(_server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), whileDown.Message, StringComparison.Ordinal);

        await _server.RestartAsync(Ct);
        await restored.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(redis.IsConnected);
        await redis.SetAsync("outage:k", "back", cancellationToken: Ct);
        Assert.Equal("back", await redis.GetStringAsync("outage:k", Ct));
    }

    [Fact]
    public async Task With_abortConnect_false_a_connection_made_during_an_outage_connects_later()
    {
        await _server.StopAsync();
        var options = RedisOptions.Parse($"{_server.ConnectionString},abortConnect=false,connectTimeout=1000");
        options.ReconnectMaxDelay = TimeSpan.FromMilliseconds(300);
        await using var redis = await RedisConnection.ConnectAsync(options, Ct);

        Assert.False(redis.IsConnected);
        await Assert.ThrowsAsync<RedisConnectionException>(() => redis.PingAsync(Ct));

        await _server.RestartAsync(Ct);
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 15);
        while (!redis.IsConnected && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.True(redis.IsConnected);
        Assert.True(await redis.PingAsync(Ct) > TimeSpan.Zero);
    }

    [Fact]
    public async Task Connecting_to_a_server_that_is_down_throws_a_connection_exception_by_default()
    {
        await _server.StopAsync();

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(_server.ConnectionString, Ct));

        Assert.Contains($"127.0.0.1:{_server.Port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disposed_connection_refuses_new_commands()
    {
        var redis = await RedisConnection.ConnectAsync(_server.ConnectionString, Ct);
        await redis.DisposeAsync();

        Assert.False(redis.IsConnected);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => redis.PingAsync(Ct));
    }
}
