using System.Net;
using Sage.Testing;

namespace Sage.Kv.Tests;

/// <summary>
/// The KV API over a real three-master Redis Cluster, given as Aspire gives a cluster: a comma-separated node list in
/// <c>ConnectionStrings__redis</c>. Each test has its own key prefix.
/// </summary>
public sealed class RedisClusterKvApiTests(RedisClusterFixture redis) : KvApiContract, IClassFixture<RedisClusterFixture>
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["ConnectionStrings:redis"] = redis.Cluster.ConnectionString,
        ["Sage:Kv:RedisKeyPrefix"] = $"test:{Guid.NewGuid():N}:",
    };

    protected override string ExpectedBackend => "redis";

    [Fact]
    public async Task Batch_get_and_batch_span_hash_slots_without_crossslot_errors()
    {
        var items = string.Join(",", Enumerable.Range(0, 40).Select(i => $$"""{"key":"k{{i}}","value":{{i}}}"""));
        var keys = string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"k{i}\""));

        var batch = await Client.PostAsync("/kv/batch", JsonBody($$"""{"items":[{{items}}]}"""), Ct);
        var got = await Client.PostAsync("/kv/batch-get", JsonBody($$"""{"keys":[{{keys}}]}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        var body = (await ReadJsonAsync(got)).ToString();
        Assert.All(Enumerable.Range(0, 40), i => Assert.Contains($"\"k{i}\"", body, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await Client.DeleteAsync("/kv?pattern=k*", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/kv/k7", Ct)).StatusCode);
    }
}
