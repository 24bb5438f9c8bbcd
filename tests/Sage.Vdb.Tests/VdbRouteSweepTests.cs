using Sage.Testing.Sweep;

namespace Sage.Vdb.Tests;

/// <summary>The generated-input sweep over every VDB route (issue 10, finding 3), on the embedded engine.</summary>
public sealed class VdbRouteSweepTests
{
    private const string Points = """{"vectors":[{"id":"sweep-1","vector":[0.1,0.2,0.3],"metadata":{"type":"t","year":2024,"tags":["a"]}},{"id":"sweep-2","vector":[0.3,0.2,0.1]}]}""";
    private const string Query = """{"vector":[0.1,0.2,0.3],"top_k":5,"filter":{"must":[{"key":"type","match":{"any":["t","u"]}},{"key":"year","range":{"gte":2020,"lt":2030}}]},"score_threshold":0.1,"with_vector":true,"with_metadata":true}""";
    private const string Delete = """{"filter":{"should":[{"key":"year","range":{"gt":2100}},{"has_id":["sweep-2"]}]}}""";
    private const string Scroll = """{"limit":10,"cursor":null,"filter":{"must_not":[{"is_empty":{"key":"type"}}]},"with_vector":true,"with_metadata":true}""";
    private const string Count = """{"filter":{"must":[{"key":"tags","match":{"value":"a"}}]}}""";
    private const string Update = """{"vector":[0.2,0.2,0.2],"metadata":{"type":"u"}}""";

    private static readonly RouteSample[] Samples =
    [
        .. ServiceDefaultsRoutes.Samples,
        .. PointRoutes("/vectors"),
        .. PointRoutes("/collections/{collection}/vectors"),
        new("GET", "/collections"),
        new("PUT", "/collections/{name}", Body: """{"dimension":3,"distance":"cosine"}"""),
        new("GET", "/collections/{name}"),
        new("DELETE", "/collections/{name}"),
        new("POST", "/collections/{name}/compact"),
    ];

    private static IEnumerable<RouteSample> PointRoutes(string prefix) =>
    [
        new("POST", prefix, Body: Points),
        new("POST", prefix + "/query", Body: Query),
        new("POST", prefix + "/delete", Body: Delete),
        new("POST", prefix + "/scroll", Body: Scroll),
        new("POST", prefix + "/count", Body: Count),
        new("GET", prefix + "/{id}"),
        new("PUT", prefix + "/{id}", Body: Update),
        new("DELETE", prefix + "/{id}"),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_route_answers_hostile_input_with_a_problem_and_keeps_the_data()
    {
        await using var factory = new VdbServiceFactory(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        using var client = factory.CreateClient();
        (await client.PutAsync("/collections/seed_points", Json("""{"dimension":3,"distance":"cosine"}"""), Ct)).EnsureSuccessStatusCode();
        (await client.PostAsync("/collections/seed_points/vectors", Json(
            """{"vectors":[{"id":"seed-a","vector":[0.5,0.1,0.9],"metadata":{"type":"t","year":2024}},{"id":"seed-b","vector":[1,0,0],"metadata":{"note":"ü 🙂"}}]}"""), Ct))
            .EnsureSuccessStatusCode();
        // Scratch points in the default collection too, so deletes by filter there have something to match.
        (await client.PostAsync("/vectors", Json(Points), Ct)).EnsureSuccessStatusCode();

        await RouteSweep.AssertEveryRouteAsync("VDB", factory.Services, client, Samples, () => SnapshotAsync(client), count: 1500, Ct);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>The seeded collection's description and every point in it, with vectors, as VDB answers them.</summary>
    private static async Task<string> SnapshotAsync(HttpClient client)
    {
        using var info = await client.GetAsync("/collections/seed_points", Ct);
        using var points = await client.PostAsync("/collections/seed_points/vectors/scroll", Json("""{"limit":100,"with_vector":true}"""), Ct);
        return $"{(int)info.StatusCode} {await info.Content.ReadAsStringAsync(Ct)}\n{(int)points.StatusCode} {await points.Content.ReadAsStringAsync(Ct)}";
    }
}
