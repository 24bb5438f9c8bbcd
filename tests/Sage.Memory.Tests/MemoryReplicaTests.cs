using System.Net;
using System.Text;
using System.Text.Json;

namespace Sage.Memory.Tests;

/// <summary>
/// Two Memory replicas over the same KV and VDB services: no per-key lock is shared, so only the record version (KV
/// compare-and-set, carried by the vector, checked by readers) keeps search and GET in agreement.
/// </summary>
public sealed class MemoryReplicaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_replicas_storing_and_deleting_one_key_never_show_a_vector_without_its_data()
    {
        await using var stack = new StandardStack { Overrides = { ["Sage:Memory:ReconcileGracePeriod"] = "00:00:00", ["Sage:Memory:ReconcileInterval"] = "1.00:00:00" } };
        await stack.InitializeAsync();
        await using var replica = stack.StartReplica();
        using var other = replica.CreateClient();
        HttpClient[] clients = [stack.Client, other];

        for (var round = 0; round < 2; round++)
        {
            var key = $"replicas-{round}-{Guid.NewGuid():N}";
            await Parallel.ForAsync(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 40, CancellationToken = Ct }, async (thread, ct) =>
            {
                var random = new Random(thread * 31 + round);
                for (var op = 0; op < 10; op++)
                {
                    var client = clients[random.Next(2)];
                    using var response = random.Next(2) == 0
                        ? await client.PostAsync("/memory", new StringContent(
                            $$$"""{"key":"{{{key}}}","data":{{{op}}},"vector":[1,{{{random.Next(1, 9)}}},0]}""", Encoding.UTF8, "application/json"), ct)
                        : await client.DeleteAsync($"/memory/{key}", ct);
                    Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.NoContent or HttpStatusCode.NotFound,
                        $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                }
            });

            foreach (var client in clients)
                await AssertAgreementAsync(client, key, round);
            await AssertStatusAsync(await stack.Client.PostAsync("/memory/reconcile", null, Ct), HttpStatusCode.OK);
            // Whatever the race left behind is gone now: a point exists only as the vector of its live record.
            var points = await stack.Vectors.GetAsync(MemoryStack.Collection, [key], withVector: false, cancellationToken: Ct);
            var hasVector = await HasVectorAsync(stack.Client, key);
            Assert.Equal(hasVector, points.Count == 1);
            await AssertAgreementAsync(stack.Client, key, round);
        }
    }

    // Search names the key exactly when GET shows it with its vector.
    private static async Task AssertAgreementAsync(HttpClient client, string key, int round)
    {
        using var search = await client.PostAsync("/memory/search",
            new StringContent("""{"vector":[1,1,0],"top_k":100}""", Encoding.UTF8, "application/json"), Ct);
        await AssertStatusAsync(search, HttpStatusCode.OK);
        var found = JsonDocument.Parse(await search.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("results").EnumerateArray()
            .Any(r => r.GetProperty("key").GetString() == key);
        Assert.True(found == await HasVectorAsync(client, key), $"round {round}: search found '{key}': {found}, but GET disagrees");
    }

    private static async Task<bool> HasVectorAsync(HttpClient client, string key)
    {
        using var got = await client.GetAsync($"/memory/{key}?with_vector=true", Ct);
        if (got.StatusCode == HttpStatusCode.NotFound)
            return false;
        await AssertStatusAsync(got, HttpStatusCode.OK);
        return JsonDocument.Parse(await got.Content.ReadAsStringAsync(Ct)).RootElement.TryGetProperty("vector", out var vector)
            && vector.ValueKind == JsonValueKind.Array;
    }

    private static async Task AssertStatusAsync(HttpResponseMessage response, HttpStatusCode status) =>
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
}
