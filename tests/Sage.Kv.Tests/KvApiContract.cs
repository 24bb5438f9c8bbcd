using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Sage.Kv.Tests;

/// <summary>The KV HTTP API, the same for every backend; each backend's class supplies the settings.</summary>
public abstract partial class KvApiContract : IAsyncLifetime
{
    private KvServiceFactory? _factory;

    protected HttpClient Client { get; private set; } = null!;

    protected abstract IReadOnlyDictionary<string, string?> Settings { get; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual ValueTask InitializeAsync()
    {
        _factory = new KvServiceFactory(Settings);
        Client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public virtual async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_factory is not null)
            await _factory.DisposeAsync();
    }

    protected static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    protected static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    protected static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    protected static void AssertNamesField(JsonElement problem, string field) =>
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");

    [Fact]
    public async Task Seed_set_get_list_delete_flow_works()
    {
        var set = await Client.PostAsync("/kv", JsonBody("""{"key": "test", "value": "hello", "ttl": 3600}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.NotNull(set.Headers.ETag);

        var get = await Client.GetAsync("/kv/test", Ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var body = await ReadJsonAsync(get);
        Assert.Equal("test", body.GetProperty("key").GetString());
        Assert.Equal("hello", body.GetProperty("value").GetString());
        Assert.InRange(body.GetProperty("ttl").GetInt64(), 3590, 3600);
        Assert.Equal(set.Headers.ETag, get.Headers.ETag);

        var list = await ReadJsonAsync(await Client.GetAsync("/kv?pattern=*", Ct));
        Assert.Contains("test", list.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/kv/test", Ct)).StatusCode);
        await AssertProblemAsync(await Client.GetAsync("/kv/test", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Get_returns_404_problem_when_key_is_missing()
    {
        var problem = await AssertProblemAsync(await Client.GetAsync("/kv/nothing-here", Ct), HttpStatusCode.NotFound);
        Assert.Contains("nothing-here", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Value_without_ttl_reports_null_ttl_and_keeps_any_json()
    {
        await Client.PostAsync("/kv", JsonBody("""{"key":"doc","value":{"a":[1,2,{"b":null}],"c":true}}"""), Ct);
        var body = await ReadJsonAsync(await Client.GetAsync("/kv/doc", Ct));
        Assert.False(body.TryGetProperty("ttl", out var ttl) && ttl.ValueKind != JsonValueKind.Null);
        Assert.Equal("""{"a":[1,2,{"b":null}],"c":true}""", body.GetProperty("value").GetRawText());
    }

    [Fact]
    public async Task Put_with_if_none_match_star_creates_only_once()
    {
        var first = new HttpRequestMessage(HttpMethod.Put, "/kv/once") { Content = JsonBody("""{"value":1}""") };
        first.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(first, Ct)).StatusCode);

        var second = new HttpRequestMessage(HttpMethod.Put, "/kv/once") { Content = JsonBody("""{"value":2}""") };
        second.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        await AssertProblemAsync(await Client.SendAsync(second, Ct), HttpStatusCode.PreconditionFailed);
        Assert.Equal(1, (await ReadJsonAsync(await Client.GetAsync("/kv/once", Ct))).GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task Put_with_if_match_is_compare_and_set()
    {
        var created = await Client.PutAsync("/kv/cas", JsonBody("""{"value":"v1"}"""), Ct);
        var etag = created.Headers.ETag!;

        var stale = new HttpRequestMessage(HttpMethod.Put, "/kv/cas") { Content = JsonBody("""{"value":"v2"}""") };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"0123456789abcdef0123456789abcdef01234567\""));
        await AssertProblemAsync(await Client.SendAsync(stale, Ct), HttpStatusCode.PreconditionFailed);

        var fresh = new HttpRequestMessage(HttpMethod.Put, "/kv/cas") { Content = JsonBody("""{"value":"v2"}""") };
        fresh.Headers.IfMatch.Add(etag);
        var written = await Client.SendAsync(fresh, Ct);
        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        Assert.NotEqual(etag, written.Headers.ETag);
        Assert.Equal("v2", (await ReadJsonAsync(await Client.GetAsync("/kv/cas", Ct))).GetProperty("value").GetString());
    }

    [Fact]
    public async Task Delete_with_stale_if_match_is_412_and_keeps_the_value()
    {
        await Client.PostAsync("/kv", JsonBody("""{"key":"keep","value":1}"""), Ct);
        var delete = new HttpRequestMessage(HttpMethod.Delete, "/kv/keep");
        delete.Headers.IfMatch.Add(new EntityTagHeaderValue("\"stale\""));
        await AssertProblemAsync(await Client.SendAsync(delete, Ct), HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/kv/keep", Ct)).StatusCode);
    }

    [Fact]
    public async Task Delete_returns_404_problem_when_key_is_missing() =>
        await AssertProblemAsync(await Client.DeleteAsync("/kv/never-set", Ct), HttpStatusCode.NotFound);

    [Fact]
    public async Task Batch_set_then_batch_get_reports_found_and_missing_in_order()
    {
        var set = await Client.PostAsync("/kv/batch", JsonBody("""{"items":[{"key":"b1","value":1},{"key":"b2","value":"two","ttl":60}]}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(2, (await ReadJsonAsync(set)).GetProperty("items").GetArrayLength());

        var got = await ReadJsonAsync(await Client.PostAsync("/kv/batch-get", JsonBody("""{"keys":["b2","nope","b1"]}"""), Ct));
        var items = got.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(["b2", "b1"], items.Select(i => i.GetProperty("key").GetString()));
        Assert.False(string.IsNullOrEmpty(items[0].GetProperty("etag").GetString()));
        Assert.Equal(["nope"], got.GetProperty("missing").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task Batch_set_with_one_bad_item_writes_nothing_and_names_the_item()
    {
        var response = await Client.PostAsync("/kv/batch", JsonBody("""{"items":[{"key":"ok1","value":1},{"key":"","value":2},{"key":"ok3","value":3,"ttl":0}]}"""), Ct);
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        AssertNamesField(problem, "items[1].key");
        AssertNamesField(problem, "items[2].ttl");
        await AssertProblemAsync(await Client.GetAsync("/kv/ok1", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_pages_with_cursor_and_limit()
    {
        var items = string.Join(",", Enumerable.Range(0, 25).Select(i => $$"""{"key":"page:{{i:D2}}","value":{{i}}}"""));
        await Client.PostAsync("/kv/batch", JsonBody($$"""{"items":[{{items}}]}"""), Ct);
        var seen = new HashSet<string>();
        string? cursor = null;
        do
        {
            var url = "/kv?pattern=page:*&limit=10" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await ReadJsonAsync(await Client.GetAsync(url, Ct));
            var keys = page.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray();
            Assert.True(keys.Length <= 10);
            seen.UnionWith(keys);
            cursor = page.TryGetProperty("next_cursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        Assert.Equal(25, seen.Count);
    }

    [Fact]
    public async Task Delete_by_pattern_requires_a_pattern_and_deletes_only_matches()
    {
        AssertNamesField(await AssertProblemAsync(await Client.DeleteAsync("/kv", Ct), HttpStatusCode.BadRequest), "pattern");
        await Client.PostAsync("/kv/batch", JsonBody("""{"items":[{"key":"tmp:1","value":1},{"key":"tmp:2","value":2},{"key":"stay","value":3}]}"""), Ct);
        var deleted = await ReadJsonAsync(await Client.DeleteAsync("/kv?pattern=tmp:*", Ct));
        Assert.Equal(2, deleted.GetProperty("deleted").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/kv/stay", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("""{"key":"","value":1}""", "key")]
    [InlineData("""{"value":1}""", "key")]
    [InlineData("""{"key":"a\u0001b","value":1}""", "key")]
    [InlineData("""{"key":"k","value":1,"ttl":0}""", "ttl")]
    [InlineData("""{"key":"k","value":1,"ttl":-5}""", "ttl")]
    [InlineData("""{"key":"k","value":1,"ttl":"soon"}""", "ttl")]
    [InlineData("""{"key":"k"}""", "value")]
    [InlineData("""{"key":"k","value":1,"tll":5}""", "tll")]
    [InlineData("""{"key":"k","value":1""", "body")]
    public async Task Set_rejects_bad_input_with_400_problem_naming_the_field(string body, string field)
    {
        var problem = await AssertProblemAsync(await Client.PostAsync("/kv", JsonBody(body), Ct), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.EnumerateObject().Any(e => e.Name == field || e.Name.EndsWith("." + field, StringComparison.Ordinal) || (field == "body" && e.Name.Length > 0)),
            $"errors should name '{field}': {problem}");
    }

    [Fact]
    public async Task Set_rejects_a_key_over_512_bytes()
    {
        var key = new string('é', 257);
        var problem = await AssertProblemAsync(await Client.PostAsync("/kv", JsonContent.Create(new { key, value = 1 }), Ct), HttpStatusCode.BadRequest);
        AssertNamesField(problem, "key");
    }

    [Fact]
    public async Task Set_rejects_a_value_over_the_size_limit_with_413_and_keeps_the_old_value()
    {
        await Client.PostAsync("/kv", JsonBody("""{"key":"big","value":"small"}"""), Ct);
        var huge = new string('x', 1024 * 1024 + 10);
        var response = await Client.PostAsync("/kv", JsonContent.Create(new { key = "big", value = huge }), Ct);
        var problem = await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        AssertNamesField(problem, "value");
        Assert.Equal("small", (await ReadJsonAsync(await Client.GetAsync("/kv/big", Ct))).GetProperty("value").GetString());
    }

    [Fact]
    public async Task List_rejects_a_limit_out_of_range() =>
        AssertNamesField(await AssertProblemAsync(await Client.GetAsync("/kv?limit=0", Ct), HttpStatusCode.BadRequest), "limit");

    [Fact]
    public async Task Health_reports_the_backend()
    {
        var response = await Client.GetAsync("/health", Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var health = await ReadJsonAsync(response);
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal(ExpectedBackend, health.GetProperty("checks").GetProperty("kv-backend").GetProperty("data").GetProperty("backend").GetString());
    }

    protected abstract string ExpectedBackend { get; }
}
