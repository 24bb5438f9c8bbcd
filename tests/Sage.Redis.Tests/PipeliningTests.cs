using Sage.Testing;

namespace Sage.Redis.Tests;

public sealed class PipeliningTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_thousand_concurrent_callers_each_get_their_own_reply()
    {
        await using var redis = await RedisConnection.ConnectAsync(fixture.Server.ConnectionString, Ct);
        var prefix = $"pipe:{Guid.NewGuid():N}:";

        var echoes = Enumerable.Range(0, 1000)
            .Select(i => Task.Run(async () => (i, (await redis.ExecuteAsync("ECHO", [$"value-{i}"], Ct)).AsString()), Ct))
            .ToArray();
        var roundTrips = Enumerable.Range(0, 1000)
            .Select(i => Task.Run(async () =>
            {
                await redis.SetAsync(prefix + i, new string('x', i % 50) + i, cancellationToken: Ct);
                return (i, await redis.GetStringAsync(prefix + i, Ct));
            }, Ct))
            .ToArray();

        foreach (var (i, echoed) in await Task.WhenAll(echoes))
        {
            Assert.Equal($"value-{i}", echoed);
        }

        foreach (var (i, stored) in await Task.WhenAll(roundTrips))
        {
            Assert.Equal(new string('x', i % 50) + i, stored);
        }
    }

    [Fact]
    public async Task Concurrent_callers_share_one_server_connection()
    {
        await using var redis = await RedisConnection.ConnectAsync(fixture.Server.ConnectionString, Ct);

        var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(async () =>
            (await redis.ExecuteAsync("CLIENT", ["ID"], Ct)).AsInt64(), Ct)));

        Assert.Single(ids.Distinct());
    }

    [Fact]
    public async Task Replies_stay_matched_when_large_and_small_values_are_interleaved()
    {
        await using var redis = await RedisConnection.ConnectAsync(fixture.Server.ConnectionString, Ct);
        var prefix = $"mixed:{Guid.NewGuid():N}:";
        var sizes = Enumerable.Range(0, 40).Select(i => i % 4 == 0 ? 300_000 + i : i).ToArray();

        await Task.WhenAll(sizes.Select((size, i) => redis.SetAsync(prefix + i, new byte[size], cancellationToken: Ct)));
        var values = await Task.WhenAll(sizes.Select((_, i) => redis.GetAsync(prefix + i, Ct)));

        Assert.Equal(sizes, values.Select(v => v!.Length));
    }
}
