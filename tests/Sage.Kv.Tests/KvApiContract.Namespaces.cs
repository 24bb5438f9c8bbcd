using System.Net;

namespace Sage.Kv.Tests;

/// <summary>Memory's records live in KV's reserved <c>memory</c> namespace: the public routes neither list nor delete them.</summary>
public abstract partial class KvApiContract
{
    private async Task<string[]> ListAllAsync(string query)
    {
        var keys = new List<string>();
        string? cursor = null;
        do
        {
            var response = await Client.GetAsync($"/kv?{query}&limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await ReadJsonAsync(response);
            keys.AddRange(page.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!));
            cursor = page.TryGetProperty("next_cursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);
        return [.. keys];
    }

    private async Task PutAsync(string path, string json) =>
        Assert.Equal(HttpStatusCode.OK, (await Client.PutAsync(path, JsonBody(json), Ct)).StatusCode);

    [Fact]
    public async Task Public_list_leaves_out_the_memory_namespace_which_namespace_memory_lists()
    {
        await PutAsync("/kv/mem:doc1?namespace=memory", """{"value":{"data":1}}""");
        await PutAsync("/kv/sess:chat:1:doc1?namespace=memory", """{"value":"doc1"}""");
        await PutAsync("/kv/public-key", """{"value":2}""");

        var listed = await ListAllAsync("pattern=*");
        var inMemory = await ListAllAsync("pattern=*&namespace=memory");

        Assert.Equal(["public-key"], listed);
        Assert.Equal(["mem:doc1", "sess:chat:1:doc1"], inMemory.Order(StringComparer.Ordinal));
        Assert.Equal(["mem:doc1"], await ListAllAsync("pattern=mem:*&namespace=memory"));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("_*")]
    [InlineData("_sage*")]
    [InlineData("[_]*")]
    [InlineData("?sage*")]
    public async Task Delete_by_pattern_without_a_namespace_leaves_memory_records_intact(string pattern)
    {
        await PutAsync("/kv/mem:doc1?namespace=memory", """{"value":{"data":1}}""");
        await PutAsync("/kv/_sage-public", """{"value":2}""");

        var response = await Client.DeleteAsync($"/kv?pattern={Uri.EscapeDataString(pattern)}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await ReadJsonAsync(response)).GetProperty("deleted").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/kv/_sage-public", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/kv/mem:doc1?namespace=memory", Ct)).StatusCode);
    }

    [Fact]
    public async Task Delete_by_pattern_in_namespace_memory_deletes_only_there()
    {
        await PutAsync("/kv/mem:a?namespace=memory", """{"value":1}""");
        await PutAsync("/kv/mem:b?namespace=memory", """{"value":2}""");
        await PutAsync("/kv/mem:a", """{"value":"public"}""");

        var response = await Client.DeleteAsync("/kv?pattern=*&namespace=memory", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await ReadJsonAsync(response)).GetProperty("deleted").GetInt64());
        Assert.Empty(await ListAllAsync("pattern=*&namespace=memory"));
        Assert.Equal("public", (await ReadJsonAsync(await Client.GetAsync("/kv/mem:a", Ct))).GetProperty("value").GetString());
    }

    [Fact]
    public async Task Namespace_memory_reaches_its_own_keys_on_every_route_apart_from_public_ones()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync("/kv?namespace=memory", JsonBody("""{"key":"k","value":"ns"}"""), Ct)).StatusCode);
        await PutAsync("/kv/k", """{"value":"public"}""");
        Assert.Equal(HttpStatusCode.OK,
            (await Client.PostAsync("/kv/batch?namespace=memory", JsonBody("""{"items":[{"key":"b1","value":1},{"key":"b2","value":2}]}"""), Ct)).StatusCode);

        var got = await Client.GetAsync("/kv/k?namespace=memory", Ct);
        var body = await ReadJsonAsync(got);
        Assert.Equal("k", body.GetProperty("key").GetString());
        Assert.Equal("ns", body.GetProperty("value").GetString());
        Assert.Equal("public", (await ReadJsonAsync(await Client.GetAsync("/kv/k", Ct))).GetProperty("value").GetString());
        var batch = await ReadJsonAsync(await Client.PostAsync("/kv/batch-get?namespace=memory", JsonBody("""{"keys":["b1","b2","k","nope"]}"""), Ct));
        Assert.Equal(["b1", "b2", "k"], batch.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()));
        Assert.Equal(["nope"], batch.GetProperty("missing").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/kv/b1", Ct)).StatusCode);

        // Compare-and-set works inside the namespace with the namespace's ETags.
        var stale = new HttpRequestMessage(HttpMethod.Put, "/kv/k?namespace=memory") { Content = JsonBody("""{"value":"x"}""") };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"not-its-etag\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await Client.SendAsync(stale, Ct)).StatusCode);
        var current = new HttpRequestMessage(HttpMethod.Delete, "/kv/k?namespace=memory");
        current.Headers.IfMatch.Add(got.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(current, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/kv/k?namespace=memory", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/kv/k", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("POST", "/kv?namespace=bogus", """{"key":"n","value":1}""")]
    [InlineData("POST", "/kv?namespace=", """{"key":"n","value":1}""")]
    [InlineData("POST", "/kv?namespace=Memory", """{"key":"n","value":1}""")]
    [InlineData("PUT", "/kv/n?namespace=bogus", """{"value":1}""")]
    [InlineData("POST", "/kv/batch?namespace=bogus", """{"items":[{"key":"n","value":1}]}""")]
    [InlineData("POST", "/kv/batch-get?namespace=bogus", """{"keys":["n"]}""")]
    [InlineData("GET", "/kv/n?namespace=bogus", null)]
    [InlineData("DELETE", "/kv/n?namespace=bogus", null)]
    [InlineData("GET", "/kv?pattern=*&namespace=bogus", null)]
    [InlineData("DELETE", "/kv?pattern=*&namespace=bogus", null)]
    public async Task Unknown_namespace_is_a_400_problem_naming_it_and_changes_nothing(string method, string path, string? body)
    {
        await PutAsync("/kv/keep", """{"value":1}""");
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : JsonBody(body) };

        AssertNamesField(await AssertProblemAsync(await Client.SendAsync(request, Ct), HttpStatusCode.BadRequest), "namespace");
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/kv/n", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/kv/keep", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("/kv", """{"key":"_sage/memory/mem:doc1","value":1}""", "key")]
    [InlineData("/kv/batch", """{"items":[{"key":"_sage/memory/mem:doc1","value":1}]}""", "items[0].key")]
    public async Task A_public_write_cannot_land_in_the_reserved_namespace(string path, string body, string field)
    {
        AssertNamesField(await AssertProblemAsync(await Client.PostAsync(path, JsonBody(body), Ct), HttpStatusCode.BadRequest), field);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/kv/mem:doc1?namespace=memory", Ct)).StatusCode);
        Assert.Empty(await ListAllAsync("pattern=*&namespace=memory"));
    }
}
