using System.Net.Http.Json;
using System.Text.Json;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>The stand-in's checks can fail: wrong requests are refused and recorded, wrong responses are caught.</summary>
public sealed class QdrantOpenApiValidatorTests
{
    private const string Points = "/collections/c/points";
    private static readonly KeyValuePair<string, string>[] NoQuery = [];

    [Theory]
    [InlineData("POST", "/collections/c/points/search", """{"vector":[1,0],"top":3}""", "method not allowed")]
    [InlineData("DELETE", "/collections/c/points/query", "", "method not allowed")]
    [InlineData("GET", "/cluster/nodes", "", "no such path")]
    [InlineData("POST", Points + "/query", """{"query":[1,0],"top":3}""", "'top'")]
    [InlineData("POST", Points + "/query", """{"query":[1,0],"limit":0}""", "minimum")]
    [InlineData("POST", Points + "/query", """{"query":[1,0],"filter":{"must":5}}""", "must")]
    [InlineData("POST", Points + "/query", """{"query":[1,0],"filter":{"must":[{"has_id":["not-a-uuid"]}]}}""", "filter")]
    [InlineData("POST", Points + "/query", """{"query":[1,0],"filter":{"must":[{"key":"k","match":{"any":["x","x"]}}]}}""", "match")]
    [InlineData("POST", Points + "/query", """{"query":[1,0],"filter":{"musts":[]}}""", "musts")]
    [InlineData("POST", Points + "/scroll", """{"offset":-1}""", "offset")]
    [InlineData("POST", Points + "/count", """{"exact":"yes"}""", "exact")]
    [InlineData("PUT", Points, """{"points":[{"id":"a","vector":[1,0]}]}""", "id")]
    [InlineData("PUT", Points, """{"points":[{"vector":[1,0]}]}""", "'id'")]
    [InlineData("PUT", Points + "/payload", """{"points":[1]}""", "'payload'")]
    [InlineData("PUT", "/collections/c", """{"vectors":{"size":2,"distance":"Hamming"}}""", "distance")]
    [InlineData("PUT", "/collections/c", """{"vectors":{"size":0,"distance":"Dot"}}""", "size")]
    [InlineData("PUT", Points, "not json", "not JSON")]
    public void CheckRequest_RejectsWhatQdrantWouldRefuse(string method, string path, string body, string mentioned)
    {
        var errors = QdrantOpenApi.Instance.CheckRequest(method, path, NoQuery, "application/json", body);
        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains(mentioned, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("wait", "yes")]
    [InlineData("waiting", "true")]
    [InlineData("ordering", "fastest")]
    public void CheckRequest_RejectsBadQueryParameters(string name, string value) =>
        Assert.NotEmpty(QdrantOpenApi.Instance.CheckRequest("PUT", Points, [KeyValuePair.Create(name, value)], "application/json", """{"points":[]}"""));

    [Fact]
    public void CheckRequest_AcceptsAWellFormedRequest()
    {
        var body = """
            {"query":[0.5,1],"limit":3,"with_payload":["_sage_id"],"with_vector":true,"score_threshold":0.2,
             "filter":{"must":[{"key":"metadata.a","match":{"any":[1,2]}},{"is_empty":{"key":"metadata.b"}},
             {"has_id":["2ed6657d-e927-568b-95e1-2665a8aea6a2"]}],"should":[{"must_not":[{"key":"metadata.c","range":{"gte":1}}]}]}}
            """;
        Assert.Empty(QdrantOpenApi.Instance.CheckRequest("POST", Points + "/query", NoQuery, "application/json", body));
        Assert.Empty(QdrantOpenApi.Instance.CheckRequest("PUT", Points, [KeyValuePair.Create("wait", "true")], "application/json", """{"points":[{"id":7,"vector":[1,2],"payload":{"x":1}}]}"""));
    }

    [Fact]
    public void CheckResponse_CatchesAResponseOfTheWrongShape()
    {
        Assert.NotEmpty(QdrantOpenApi.Instance.CheckResponse("GET", "/collections/c", 200, "application/json", """{"result":{"status":"green"},"status":"ok","time":0}"""));
        Assert.NotEmpty(QdrantOpenApi.Instance.CheckResponse("POST", Points + "/count", 200, "application/json", """{"result":{"count":-1},"status":"ok","time":0}"""));
        Assert.NotEmpty(QdrantOpenApi.Instance.CheckResponse("POST", Points + "/scroll", 200, "application/json", """{"result":{"points":[{"id":"nope"}]},"status":"ok","time":0}"""));
    }

    [Fact]
    public async Task StandIn_RefusesAndRecordsABadRequest_AndItsResponsesMatchTheDocument()
    {
        await using var server = await FakeQdrantServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Endpoint };
        var ct = TestContext.Current.CancellationToken;

        var refused = await http.PostAsJsonAsync("/collections/c/points/search", new { vector = new[] { 1, 0 }, top = 3 }, ct);
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Contains("method not allowed", await refused.Content.ReadAsStringAsync(ct));
        Assert.Single(server.Violations);
        server.Violations.Clear();

        // A session of well-formed calls: the stand-in's own answers are checked against the response schemas as it goes.
        Assert.True((await http.PutAsJsonAsync("/collections/c", new { vectors = new { size = 2, distance = "Cosine" } }, ct)).IsSuccessStatusCode);
        var id = "2ed6657d-e927-568b-95e1-2665a8aea6a2";
        Assert.True((await http.PutAsJsonAsync("/collections/c/points?wait=true", new { points = new[] { new { id, vector = new[] { 3f, 4f }, payload = new { k = 1 } } } }, ct)).IsSuccessStatusCode);
        var info = JsonDocument.Parse(await http.GetStringAsync("/collections/c", ct)).RootElement.GetProperty("result");
        Assert.Equal(1, info.GetProperty("points_count").GetInt32());
        var query = await http.PostAsJsonAsync("/collections/c/points/query", new { query = new[] { 1f, 0f }, with_payload = true, with_vector = true }, ct);
        var hit = JsonDocument.Parse(await query.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("result").GetProperty("points")[0];
        Assert.Equal(0.6, hit.GetProperty("score").GetDouble(), 1e-5);
        Assert.Equal(0.8, hit.GetProperty("vector")[1].GetDouble(), 1e-5);
        await http.PostAsJsonAsync("/collections/c/points/scroll", new { limit = 1 }, ct);
        await http.PostAsJsonAsync("/collections/c/points/count", new { exact = true }, ct);
        await http.GetStringAsync("/collections", ct);
        await http.GetStringAsync("/", ct);
        server.AssertNoViolations();
    }
}
