using System.Net;
using System.Text;
using System.Text.Json;

namespace Sage.Vdb.Tests;

public sealed class VdbApiTests : IAsyncLifetime
{
    private readonly VdbServiceFactory _factory = new();
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    private async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await ReadAsync(response);
    }

    private static void AssertNamesField(JsonElement problem, string field) =>
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");

    [Fact]
    public async Task Seed_add_query_get_flow_works()
    {
        var add = await _client.PostAsync("/vectors", Json("""{"vectors":[{"id":"vec1","vector":[0.1,0.2,0.3],"metadata":{"type":"test"}}]}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, add.StatusCode);

        var query = await ReadAsync(await _client.PostAsync("/vectors/query", Json("""{"vector":[0.1,0.2,0.3],"top_k":10}"""), Ct));
        var hit = query.GetProperty("results")[0];
        Assert.Equal("vec1", hit.GetProperty("id").GetString());
        Assert.Equal(1.0, hit.GetProperty("score").GetDouble(), 3);
        Assert.Equal("test", hit.GetProperty("metadata").GetProperty("type").GetString());

        var get = await ReadAsync(await _client.GetAsync("/vectors/vec1", Ct));
        Assert.Equal(3, get.GetProperty("vector").GetArrayLength());
        Assert.Equal("test", get.GetProperty("metadata").GetProperty("type").GetString());

        var info = await ReadAsync(await _client.GetAsync("/collections/sage_vectors", Ct));
        Assert.Equal(3, info.GetProperty("dimension").GetInt32());
        Assert.Equal(1, info.GetProperty("point_count").GetInt64());
    }

    [Fact]
    public async Task Wrong_dimension_is_400_naming_the_point_and_nothing_is_written()
    {
        await _client.PostAsync("/vectors", Json("""{"vectors":[{"id":"a","vector":[1,0,0]}]}"""), Ct);
        var response = await _client.PostAsync("/vectors", Json("""{"vectors":[{"id":"b","vector":[1,0,0]},{"id":"c","vector":[1,0]}]}"""), Ct);
        AssertNamesField(await ProblemAsync(response, HttpStatusCode.BadRequest), "vectors[1].vector");
        await ProblemAsync(await _client.GetAsync("/vectors/b", Ct), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"vectors":[{"id":"x","vector":[]}]}""", "vectors[0].vector")]
    [InlineData("""{"vectors":[{"id":"x","vector":[1,2,3]},{"id":"x","vector":[1,2,3]}]}""", "vectors[1].id")]
    [InlineData("""{"vectors":[{"id":"x","vector":[1,"a",3]}]}""", "vectors[0].vector[1]")]
    [InlineData("""{"vectors":[{"id":"x","vector":[1,2,3],"metadata":[1]}]}""", "vectors[0].metadata")]
    public async Task Bad_points_are_400_naming_the_field(string body, string field)
    {
        await _client.PostAsync("/vectors", Json("""{"vectors":[{"id":"seed","vector":[1,2,3]}]}"""), Ct);
        AssertNamesField(await ProblemAsync(await _client.PostAsync("/vectors", Json(body), Ct), HttpStatusCode.BadRequest), field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task Top_k_outside_1_to_1000_is_400(int topK)
    {
        await _client.PostAsync("/vectors", Json("""{"vectors":[{"id":"seed","vector":[1,2,3]}]}"""), Ct);
        var response = await _client.PostAsync("/vectors/query", Json($$"""{"vector":[1,2,3],"top_k":{{topK}}}"""), Ct);
        AssertNamesField(await ProblemAsync(response, HttpStatusCode.BadRequest), "top_k");
    }

    [Fact]
    public async Task Malformed_filter_is_400_naming_its_path()
    {
        await _client.PostAsync("/vectors", Json("""{"vectors":[{"id":"seed","vector":[1,2,3]}]}"""), Ct);
        var response = await _client.PostAsync("/vectors/query", Json("""{"vector":[1,2,3],"filter":{"must":[{"key":"a","matc":{"value":1}}]}}"""), Ct);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith("filter.must[0]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Filter_selects_before_ranking_so_k_hits_come_back()
    {
        var points = string.Join(",", Enumerable.Range(0, 40).Select(i =>
            $$$"""{"id":"p{{{i}}}","vector":[1,{{{i * 0.01:0.00}}},0],"metadata":{"tier":"{{{(i >= 35 ? "rare" : "common")}}}"}}"""));
        await _client.PutAsync("/collections/ranked", Json("""{"dimension":3,"distance":"cosine"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync("/collections/ranked/vectors", Json($$"""{"vectors":[{{points}}]}"""), Ct)).StatusCode);

        var query = await ReadAsync(await _client.PostAsync("/collections/ranked/vectors/query",
            Json("""{"vector":[1,0,0],"top_k":5,"filter":{"must":[{"key":"tier","match":{"value":"rare"}}]}}"""), Ct));
        var ids = query.GetProperty("results").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(["p35", "p36", "p37", "p38", "p39"], ids);
    }

    [Fact]
    public async Task Named_collection_routes_404_for_an_unknown_collection()
    {
        await ProblemAsync(await _client.PostAsync("/collections/nope/vectors/query", Json("""{"vector":[1,2,3]}"""), Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await _client.GetAsync("/collections/nope", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await _client.DeleteAsync("/collections/nope", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Invalid_collection_name_is_400()
    {
        var response = await _client.PutAsync("/collections/bad%20name!", Json("""{"dimension":3}"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Creating_a_collection_twice_with_another_dimension_is_409()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync("/collections/docs", Json("""{"dimension":4,"distance":"dot"}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync("/collections/docs", Json("""{"dimension":4,"distance":"dot"}"""), Ct)).StatusCode);
        await ProblemAsync(await _client.PutAsync("/collections/docs", Json("""{"dimension":8,"distance":"dot"}"""), Ct), HttpStatusCode.Conflict);
        var list = await ReadAsync(await _client.GetAsync("/collections", Ct));
        Assert.Contains(list.GetProperty("collections").EnumerateArray(), c => c.GetProperty("name").GetString() == "docs" && c.GetProperty("distance").GetString() == "dot");
    }

    [Fact]
    public async Task Update_delete_scroll_count_and_compact_work_on_a_named_collection()
    {
        await _client.PutAsync("/collections/c1", Json("""{"dimension":2}"""), Ct);
        await _client.PostAsync("/collections/c1/vectors", Json("""{"vectors":[{"id":"a","vector":[1,0],"metadata":{"n":1}},{"id":"b","vector":[0,1],"metadata":{"n":2}},{"id":"c","vector":[1,1],"metadata":{"n":3}}]}"""), Ct);

        var updated = await ReadAsync(await _client.PutAsync("/collections/c1/vectors/a", Json("""{"metadata":{"n":10}}"""), Ct));
        Assert.Equal(10, updated.GetProperty("metadata").GetProperty("n").GetInt32());
        await ProblemAsync(await _client.PutAsync("/collections/c1/vectors/zzz", Json("""{"metadata":{}}"""), Ct), HttpStatusCode.NotFound);

        var count = await ReadAsync(await _client.PostAsync("/collections/c1/vectors/count", Json("""{"filter":{"must":[{"key":"n","range":{"gte":2}}]}}"""), Ct));
        Assert.Equal(3, count.GetProperty("count").GetInt64());

        var deleted = await ReadAsync(await _client.PostAsync("/collections/c1/vectors/delete", Json("""{"filter":{"must":[{"key":"n","match":{"value":2}}]}}"""), Ct));
        Assert.Equal(1, deleted.GetProperty("deleted").GetInt64());
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("/collections/c1/vectors/c", Ct)).StatusCode);
        await ProblemAsync(await _client.DeleteAsync("/collections/c1/vectors/c", Ct), HttpStatusCode.NotFound);

        var scroll = await ReadAsync(await _client.PostAsync("/collections/c1/vectors/scroll", Json("""{"limit":10}"""), Ct));
        Assert.Equal(["a"], scroll.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("id").GetString()!));

        var compacted = await ReadAsync(await _client.PostAsync("/collections/c1/compact", null, Ct));
        Assert.Equal(1, compacted.GetProperty("point_count").GetInt64());
    }

    [Fact]
    public async Task Delete_needs_exactly_one_of_ids_or_filter() =>
        AssertNamesField(await ProblemAsync(await _client.PostAsync("/vectors/delete", Json("{}"), Ct), HttpStatusCode.BadRequest), "ids");

    [Fact]
    public async Task Batch_over_the_limit_is_413()
    {
        await using var factory = new VdbServiceFactory(new Dictionary<string, string?> { ["Sage:Vdb:MaxBatchPoints"] = "2" });
        using var client = factory.CreateClient();
        var response = await client.PostAsync("/vectors", Json("""{"vectors":[{"id":"a","vector":[1]},{"id":"b","vector":[1]},{"id":"c","vector":[1]}]}"""), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Vectors_and_metadata_survive_a_restart_with_a_persist_directory()
    {
        var dir = Directory.CreateTempSubdirectory("sage-vdb-test-").FullName;
        try
        {
            var settings = new Dictionary<string, string?> { ["Sage:Vdb:PersistDirectory"] = dir };
            await using (var first = new VdbServiceFactory(settings))
            {
                using var client = first.CreateClient();
                var add = await client.PostAsync("/vectors", Json("""{"vectors":[{"id":"kept","vector":[0.5,0.5],"metadata":{"source":"disk"}}]}"""), Ct);
                Assert.Equal(HttpStatusCode.OK, add.StatusCode);
            }
            await using var second = new VdbServiceFactory(settings);
            using var again = second.CreateClient();
            var point = await ReadAsync(await again.GetAsync("/vectors/kept", Ct));
            Assert.Equal("disk", point.GetProperty("metadata").GetProperty("source").GetString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Health_reports_the_embedded_backend()
    {
        var health = await ReadAsync(await _client.GetAsync("/health", Ct));
        Assert.Equal("embedded", health.GetProperty("checks").GetProperty("vdb-backend").GetProperty("data").GetProperty("backend").GetString());
    }

    [Fact]
    public void Bad_backend_setting_stops_start_naming_it()
    {
        using var factory = new VdbServiceFactory(new Dictionary<string, string?> { ["Sage:Vdb:Backend"] = "faiss" });
        Assert.Contains("SAGE_VDB_BACKEND", Assert.ThrowsAny<Exception>(() => factory.CreateClient()).ToString());
    }
}
