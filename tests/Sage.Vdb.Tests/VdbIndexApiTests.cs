using System.Net;
using System.Text;
using System.Text.Json;

namespace Sage.Vdb.Tests;

/// <summary>The opt-in HNSW index over HTTP: created with PUT /collections/{name}, shown in the info, tuned per query.</summary>
public sealed class VdbIndexApiTests : IAsyncLifetime
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

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string json) =>
        _client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") }, Ct);

    private static async Task AssertBadRequestNamingAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {body}");
    }

    [Fact]
    public async Task Put_with_an_hnsw_index_shows_it_ready_with_its_parameters()
    {
        var created = await SendAsync(HttpMethod.Put, "/collections/h", """{"dimension":3,"index":{"type":"hnsw","m":8,"ef_construct":64}}""");
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);

        var info = JsonDocument.Parse(await _client.GetStringAsync("/collections/h", Ct)).RootElement.GetProperty("index");

        Assert.Equal("hnsw", info.GetProperty("type").GetString());
        Assert.Equal(8, info.GetProperty("m").GetInt32());
        Assert.Equal(64, info.GetProperty("ef_construct").GetInt32());
        Assert.Equal("ready", info.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_collection_without_an_index_is_flat()
    {
        await SendAsync(HttpMethod.Put, "/collections/f", """{"dimension":3}""");

        var info = JsonDocument.Parse(await _client.GetStringAsync("/collections/f", Ct)).RootElement.GetProperty("index");

        Assert.Equal("flat", info.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"dimension":3,"index":{"type":"ivf"}}""", "index.type")]
    [InlineData("""{"dimension":3,"index":{}}""", "index.type")]
    [InlineData("""{"dimension":3,"index":{"type":"hnsw","m":1}}""", "index.m")]
    [InlineData("""{"dimension":3,"index":{"type":"hnsw","m":101}}""", "index.m")]
    [InlineData("""{"dimension":3,"index":{"type":"hnsw","ef_construct":0}}""", "index.ef_construct")]
    [InlineData("""{"dimension":3,"index":{"type":"hnsw","ef_construct":10001}}""", "index.ef_construct")]
    public async Task Put_with_a_bad_index_is_a_400_problem_and_creates_nothing(string body, string field)
    {
        await AssertBadRequestNamingAsync(await SendAsync(HttpMethod.Put, "/collections/bad", body), field);

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/collections/bad", Ct)).StatusCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(10_001)]
    public async Task A_query_with_ef_out_of_range_is_a_400_problem(int ef)
    {
        await SendAsync(HttpMethod.Put, "/collections/e", """{"dimension":3,"index":{"type":"hnsw"}}""");

        var response = await SendAsync(HttpMethod.Post, "/collections/e/vectors/query", $$"""{"vector":[1,0,0],"ef":{{ef}}}""");

        await AssertBadRequestNamingAsync(response, "ef");
    }

    [Fact]
    public async Task A_query_may_ask_for_exact_and_ef()
    {
        await SendAsync(HttpMethod.Put, "/collections/q", """{"dimension":2,"index":{"type":"hnsw"}}""");
        await SendAsync(HttpMethod.Post, "/collections/q/vectors", """{"vectors":[{"id":"a","vector":[1,0]},{"id":"b","vector":[0,1]}]}""");

        foreach (var body in new[] { """{"vector":[1,0.1],"exact":true}""", """{"vector":[1,0.1],"ef":50}""" })
        {
            var response = await SendAsync(HttpMethod.Post, "/collections/q/vectors/query", body);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.Equal("a", JsonDocument.Parse(text).RootElement.GetProperty("results")[0].GetProperty("id").GetString());
        }
    }
}
