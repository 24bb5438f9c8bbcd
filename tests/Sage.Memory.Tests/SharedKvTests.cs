using System.Net;
using System.Text;
using System.Text.Json;

namespace Sage.Memory.Tests;

/// <summary>
/// A KV service shared by Memory and by public users (the standard composition, real HTTP): KV's public routes neither list nor
/// delete Memory's records; only <c>namespace=memory</c> reaches them.
/// </summary>
public sealed class SharedKvTests : IAsyncLifetime
{
    private readonly StandardStack _stack = new();
    private HttpClient _kv = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _stack.InitializeAsync();
        _kv = _stack.KvService.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        _kv.Dispose();
        await _stack.DisposeAsync();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    private async Task StoreMemoryAsync(string key) =>
        Assert.Equal(HttpStatusCode.Created, (await _stack.Client.PostAsync("/memory",
            Json($$"""{"key":"{{key}}","data":{"text":"kept"},"vector":[0.3,0.2,0.1],"session_id":"chat-1"}"""), Ct)).StatusCode);

    private async Task<string[]> KvKeysAsync(string query) =>
        (await JsonOf(await _kv.GetAsync($"/kv?{query}&limit=1000", Ct))).GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray();

    [Fact]
    public async Task Kv_public_list_does_not_show_memory_records_and_namespace_memory_does()
    {
        await StoreMemoryAsync("doc1");
        Assert.Equal(HttpStatusCode.OK, (await _kv.PostAsync("/kv", Json("""{"key":"user-key","value":1}"""), Ct)).StatusCode);

        Assert.Equal(["user-key"], await KvKeysAsync("pattern=*"));
        var inMemory = await KvKeysAsync("pattern=*&namespace=memory");
        Assert.Contains("mem:doc1", inMemory);
        Assert.Contains(inMemory, k => k.StartsWith("sess:chat-1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kv_delete_by_pattern_star_leaves_memory_data_intact()
    {
        await StoreMemoryAsync("doc1");
        Assert.Equal(HttpStatusCode.OK, (await _kv.PostAsync("/kv", Json("""{"key":"user-key","value":1}"""), Ct)).StatusCode);

        var deleted = await JsonOf(await _kv.DeleteAsync("/kv?pattern=*", Ct));

        Assert.Equal(1, deleted.GetProperty("deleted").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await _kv.GetAsync("/kv/user-key", Ct)).StatusCode);
        Assert.Equal("kept", (await JsonOf(await _stack.Client.GetAsync("/memory/doc1", Ct))).GetProperty("data").GetProperty("text").GetString());
        Assert.Single((await JsonOf(await _stack.Client.GetAsync("/sessions/chat-1/memories", Ct))).GetProperty("memories").EnumerateArray());
        Assert.Single((await JsonOf(await _stack.Client.GetAsync("/memory", Ct))).GetProperty("memories").EnumerateArray());
        var hit = (await JsonOf(await _stack.Client.PostAsync("/memory/search", Json("""{"vector":[0.3,0.2,0.1],"include_data":true}"""), Ct)))
            .GetProperty("results").EnumerateArray().Single();
        Assert.Equal("kept", hit.GetProperty("data").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Kv_delete_in_namespace_memory_is_the_explicit_way_to_remove_memory_records()
    {
        await StoreMemoryAsync("doc1");

        var deleted = await JsonOf(await _kv.DeleteAsync("/kv?pattern=mem:*&namespace=memory", Ct));

        Assert.Equal(1, deleted.GetProperty("deleted").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await _stack.Client.GetAsync("/memory/doc1", Ct)).StatusCode);
    }
}
