using Sage.Testing;

namespace Sage.Redis.Tests;

public sealed class DatabaseSelectionTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DefaultDatabase_selects_a_separate_keyspace()
    {
        var key = $"db:{Guid.NewGuid():N}";
        await using var db5 = await RedisConnection.ConnectAsync($"{fixture.Server.ConnectionString},defaultDatabase=5", Ct);
        await using var db0 = await RedisConnection.ConnectAsync(fixture.Server.ConnectionString, Ct);
        await using var db5ByUri = await RedisConnection.ConnectAsync($"{fixture.Server.Uri}/5", Ct);

        await db5.SetAsync(key, "in five", cancellationToken: Ct);

        Assert.Null(await db0.GetStringAsync(key, Ct));
        Assert.Equal("in five", await db5ByUri.GetStringAsync(key, Ct));
        Assert.Contains(" db=5 ", (await db5.ExecuteAsync("CLIENT", ["INFO"], Ct)).AsString(), StringComparison.Ordinal);
    }
}
