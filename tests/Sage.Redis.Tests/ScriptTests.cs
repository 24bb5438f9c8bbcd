using Sage.Testing;

namespace Sage.Redis.Tests;

public sealed class ScriptTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_script_unknown_to_the_server_falls_back_to_EVAL_and_is_cached_afterwards()
    {
        await using var redis = await RedisConnection.ConnectAsync(fixture.Server.ConnectionString, Ct);
        var key = $"script:{Guid.NewGuid():N}";
        // A unique comment gives a SHA the server has never seen.
        var script = new RedisScript($"-- {Guid.NewGuid()}\nredis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1]) .. ARGV[2]");
        var exists = await redis.ExecuteAsync("SCRIPT", ["EXISTS", script.Sha1], Ct);
        Assert.Equal(0, exists.Elements[0].AsInt64());

        var first = await script.EvaluateAsync(redis, [key], ["abc", "!"], Ct);
        var second = await script.EvaluateAsync(redis, [key], ["xyz", "?"], Ct);

        Assert.Equal(("abc!", "xyz?"), (first.AsString(), second.AsString()));
        Assert.Equal(1, (await redis.ExecuteAsync("SCRIPT", ["EXISTS", script.Sha1], Ct)).Elements[0].AsInt64());
    }

    [Fact]
    public async Task EvalSha_of_an_unknown_script_reports_NOSCRIPT_and_ScriptLoad_returns_the_local_sha()
    {
        await using var redis = await RedisConnection.ConnectAsync(fixture.Server.ConnectionString, Ct);
        var script = new RedisScript($"return '{Guid.NewGuid()}'");

        var error = await Assert.ThrowsAsync<RedisServerException>(() => redis.EvalShaAsync(script.Sha1, [], [], Ct));
        var loaded = await redis.ScriptLoadAsync(script.Source, Ct);

        Assert.Equal("NOSCRIPT", error.Prefix);
        Assert.Equal(script.Sha1, loaded);
        Assert.Equal(script.Source[8..^1], (await redis.EvalShaAsync(loaded, [], [], Ct)).AsString());
    }

    [Fact]
    public async Task Script_errors_surface_as_server_exceptions()
    {
        await using var redis = await RedisConnection.ConnectAsync(fixture.Server.ConnectionString, Ct);
        var script = new RedisScript("return redis.error_reply('CONFLICT etag mismatch')");

        var error = await Assert.ThrowsAsync<RedisServerException>(() => script.EvaluateAsync(redis, [], [], Ct));

        Assert.Equal("CONFLICT etag mismatch", error.Message);
    }
}
