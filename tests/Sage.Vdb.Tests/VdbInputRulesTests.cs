using System.Net;
using System.Text;
using System.Text.Json;
using Sage.Testing.Qdrant;

namespace Sage.Vdb.Tests;

/// <summary>Hostile input refused the same way on every backend (issue 10, findings 9 and 10).</summary>
public abstract class VdbInputRules : IAsyncLifetime
{
    private VdbServiceFactory _factory = null!;

    protected HttpClient Client { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract ValueTask<VdbServiceFactory> CreateFactoryAsync();

    public virtual async ValueTask InitializeAsync()
    {
        _factory = await CreateFactoryAsync();
        Client = _factory.CreateClient();
        // The default collection is cosine; three points to keep or lose.
        var seeded = await PostAsync("/vectors", """{"vectors":[{"id":"a","vector":[1,0,0],"metadata":{"k":"x"}},{"id":"b","vector":[0,1,0],"metadata":{"k":"x"}},{"id":"c","vector":[0,0,1],"metadata":{"k":"y"}}]}""");
        Assert.Equal(HttpStatusCode.OK, seeded.StatusCode);
    }

    public virtual async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    private static async Task AssertBadRequestNamingAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {body}");
    }

    private async Task<long> CountAsync()
    {
        var response = await PostAsync("/vectors/count", "{}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("count").GetInt64();
    }

    [Theory]
    [InlineData("""{"filter":{}}""")]
    [InlineData("""{"filter":{"must":[]}}""")]
    [InlineData("""{"filter":{"must_not":[{"key":"k","match":{"value":"nothing"}}]}}""")]
    [InlineData("""{"filter":{"should":[{"key":"k","match":{"value":"x"}},{"key":"k","match":{"value":"y"}}]}}""")]
    [InlineData("""{"all":false,"filter":{}}""")]
    [InlineData("""{}""")]
    public async Task A_delete_whose_filter_matches_every_point_is_400_without_all_and_deletes_nothing(string body)
    {
        var response = await PostAsync("/vectors/delete", body);
        var field = body == "{}" ? "ids" : "filter";
        await AssertBadRequestNamingAsync(response, field);
        Assert.Equal(3, await CountAsync());
    }

    [Theory]
    [InlineData("""{"all":true}""")]
    [InlineData("""{"all":true,"filter":{}}""")]
    [InlineData("""{"all":true,"filter":{"must_not":[{"key":"k","match":{"value":"nothing"}}]}}""")]
    public async Task A_delete_with_all_true_deletes_every_point(string body)
    {
        var response = await PostAsync("/vectors/delete", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("deleted").GetInt64());
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task A_delete_by_a_narrower_filter_needs_no_all()
    {
        var response = await PostAsync("/vectors/delete", """{"filter":{"must":[{"key":"k","match":{"value":"x"}}]}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task All_with_ids_is_400()
    {
        await AssertBadRequestNamingAsync(await PostAsync("/vectors/delete", """{"all":true,"ids":["a"]}"""), "all");
        Assert.Equal(3, await CountAsync());
    }

    [Theory]
    [InlineData("ok%0A")]
    [InlineData("ok%0D%0A")]
    [InlineData("%0Aok")]
    public async Task A_collection_name_with_a_newline_is_400_and_not_created(string escaped)
    {
        var response = await Client.PutAsync($"/collections/{escaped}", new StringContent("""{"dimension":3}""", Encoding.UTF8, "application/json"), Ct);
        await AssertBadRequestNamingAsync(response, "collection");
        var list = await (await Client.GetAsync("/collections", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("ok\\n", list, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"ids":[null]}""", "ids[0]")]
    [InlineData("""{"ids":[""]}""", "ids[0]")]
    [InlineData("""{"ids":["a","b\u0000c"]}""", "ids[1]")]
    public async Task Delete_ids_that_are_null_empty_or_hold_NUL_are_400(string body, string field)
    {
        await AssertBadRequestNamingAsync(await PostAsync("/vectors/delete", body), field);
        Assert.Equal(3, await CountAsync());
    }

    // A NUL in a path (/vectors/x%00y) never reaches a route: Kestrel and the test server refuse it while decoding the path.
    [Theory]
    [InlineData("x\\u0000y")]
    [InlineData("x\\u0007y")]
    [InlineData("")]
    public async Task An_upserted_point_id_that_is_empty_or_holds_control_characters_is_400(string id)
    {
        await AssertBadRequestNamingAsync(await PostAsync("/vectors", $$"""{"vectors":[{"id":"{{id}}","vector":[1,1,1]}]}"""), "vectors[0].id");
        Assert.Equal(3, await CountAsync());
    }

    [Theory]
    [InlineData("[0,0,0]")]
    [InlineData("[1e-30,1e-30,1e-30]")]
    [InlineData("[-0.0,0,0]")]
    [InlineData("[3e38,3e38,3e38]")]
    public async Task A_vector_without_a_direction_is_400_in_a_cosine_collection(string vector)
    {
        await AssertBadRequestNamingAsync(await PostAsync("/vectors", $$"""{"vectors":[{"id":"z","vector":{{vector}}}]}"""), "vectors[0].vector");
        await AssertBadRequestNamingAsync(await PostAsync("/vectors/query", $$"""{"vector":{{vector}}}"""), "vector");
        await AssertBadRequestNamingAsync(await Client.PutAsync("/vectors/a", new StringContent($$"""{"vector":{{vector}}}""", Encoding.UTF8, "application/json"), Ct), "vector");
        Assert.Equal(3, await CountAsync());
    }

    [Fact]
    public async Task A_zero_vector_is_fine_in_a_dot_collection()
    {
        await Client.PutAsync("/collections/dots", new StringContent("""{"dimension":3,"distance":"dot"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/collections/dots/vectors", """{"vectors":[{"id":"z","vector":[0,0,0]}]}""")).StatusCode);
    }

    [Theory]
    [InlineData("/vectors/query", """{"vector":[1,0,0],"top_k":"5"}""", "top_k")]
    [InlineData("/vectors/query", """{"vector":["1","0","0"]}""", "vector[0]")]
    [InlineData("/vectors", """{"vectors":[{"id":"s","vector":["1",0,0]}]}""", "vectors[0].vector[0]")]
    [InlineData("/vectors/scroll", """{"limit":"10"}""", "limit")]
    public async Task Numbers_sent_as_strings_are_400_naming_the_field(string path, string body, string field)
    {
        await AssertBadRequestNamingAsync(await PostAsync(path, body), field);
        Assert.Equal(3, await CountAsync());
    }

    // Found by the generated-input sweep's rule: free-form JSON holding an unpaired surrogate escape is a 400, not a 500 when written.
    [Fact]
    public async Task Metadata_holding_an_unpaired_surrogate_escape_is_400_and_the_point_is_not_written()
    {
        await AssertBadRequestNamingAsync(await PostAsync("/vectors", """{"vectors":[{"id":"lone","vector":[1,1,0],"metadata":{"k":"\ud800"}}]}"""), "vectors[0].metadata");
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/vectors/lone", Ct)).StatusCode);
    }
}

public sealed class EmbeddedVdbInputRulesTests : VdbInputRules
{
    protected override ValueTask<VdbServiceFactory> CreateFactoryAsync() => ValueTask.FromResult(new VdbServiceFactory());
}

public sealed class QdrantVdbInputRulesTests : VdbInputRules
{
    private QdrantStandIn _qdrant = null!;

    protected override async ValueTask<VdbServiceFactory> CreateFactoryAsync()
    {
        _qdrant = await QdrantStandIn.StartAsync("vdb-key", Ct);
        return new VdbServiceFactory(new Dictionary<string, string?>
        {
            ["Sage:Vdb:Backend"] = "qdrant",
            ["ConnectionStrings:qdrant"] = _qdrant.ConnectionString,
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _qdrant.DisposeAsync();
        _qdrant.AssertNoViolations();
    }
}
