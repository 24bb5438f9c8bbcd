using System.Net.Http.Json;
using Sage.Testing;
using Sage.Testing.Sweep;

namespace Sage.Kv.Tests;

/// <summary>The generated-input sweep over every KV route (issue 10, finding 3), on both backends.</summary>
public sealed class KvRouteSweepTests(RedisServerFixture redis)
{
    private static readonly RouteSample[] Samples =
    [
        .. ServiceDefaultsRoutes.Samples,
        new("POST", "/kv", Body: """{"key":"sweep-1","value":{"n":1,"s":"x","list":[1,2]},"ttl":3600}"""),
        new("GET", "/kv", Query: "pattern=sweep*&limit=10"),
        new("DELETE", "/kv", Query: "pattern=sweep-2*", ScopedQuery: "pattern"),
        new("GET", "/kv/{key}"),
        new("PUT", "/kv/{key}", Body: """{"value":[1,"two",null],"ttl":60}"""),
        new("DELETE", "/kv/{key}"),
        new("POST", "/kv/batch-get", Body: """{"keys":["sweep-1","sweep-2"]}"""),
        new("POST", "/kv/batch", Body: """{"items":[{"key":"sweep-2","value":"v"},{"key":"sweep_3","value":2,"ttl":60}]}"""),
    ];

    private static readonly (string Key, object Value)[] Seeded =
    [
        ("seed:a", new { nested = new { x = new[] { 1, 2, 3 } } }), ("seed-b", "text ü 🙂"), ("seed_c", 42),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task Every_route_answers_hostile_input_with_a_problem_and_keeps_the_data_on_the_memory_backend() =>
        SweepAsync(new Dictionary<string, string?> { ["Sage:Kv:Backend"] = "memory" }, count: 1500);

    [Fact]
    public Task Every_route_answers_hostile_input_with_a_problem_and_keeps_the_data_on_redis() =>
        SweepAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redis.Server.ConnectionString,
            ["Sage:Kv:RedisKeyPrefix"] = $"sweep:{Guid.NewGuid():N}:",
        }, count: 800);

    private static async Task SweepAsync(IReadOnlyDictionary<string, string?> settings, int count)
    {
        await using var factory = new KvServiceFactory(settings);
        using var client = factory.CreateClient();
        foreach (var (key, value) in Seeded)
            (await client.PostAsJsonAsync("/kv", new { key, value }, Ct)).EnsureSuccessStatusCode();

        await RouteSweep.AssertEveryRouteAsync("KV", factory.Services, client, Samples, () => SnapshotAsync(client), count, Ct);
    }

    /// <summary>Each seeded key as GET answers it: status, ETag (a version, so any write changes it) and body.</summary>
    private static async Task<string> SnapshotAsync(HttpClient client)
    {
        var parts = new List<string>();
        foreach (var (key, _) in Seeded)
        {
            using var response = await client.GetAsync("/kv/" + Uri.EscapeDataString(key), Ct);
            parts.Add($"{key}: {(int)response.StatusCode} {response.Headers.ETag} {await response.Content.ReadAsStringAsync(Ct)}");
        }
        return string.Join('\n', parts);
    }
}
