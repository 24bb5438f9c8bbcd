using System.Net;

namespace Sage.EndToEnd.Tests;

/// <summary>The request flows of SAGE's guide, as assertions.</summary>
internal static class SeedFlows
{
    public static readonly object MemoryDoc1 = new
    {
        key = "doc1",
        data = new { title = "My Document" },
        vector = new[] { 0.1, 0.2, 0.3 },
        metadata = new { category = "test" },
    };

    public static async Task KvAsync(string kvUrl)
    {
        await Http.OkAsync(Http.PostAsync($"{kvUrl}/kv", new { key = "test", value = "hello", ttl = 3600 }));
        var entry = await Http.OkAsync(Http.GetAsync($"{kvUrl}/kv/test"));
        Assert.Equal("hello", entry.GetProperty("value").GetString());
        var list = await Http.OkAsync(Http.GetAsync($"{kvUrl}/kv?pattern=*"));
        Assert.Contains("\"test\"", list.GetRawText());
        await Http.OkAsync(Http.SendAsync(HttpMethod.Delete, $"{kvUrl}/kv/test"));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"{kvUrl}/kv/test")).Status);
    }

    public static async Task VdbAsync(string vdbUrl)
    {
        await Http.OkAsync(Http.PostAsync($"{vdbUrl}/vectors", new
        {
            vectors = new[] { new { id = "vec1", vector = new[] { 0.1, 0.2, 0.3 }, metadata = new { type = "test" } } },
        }));
        var hits = await Http.OkAsync(Http.PostAsync($"{vdbUrl}/vectors/query", new { vector = new[] { 0.1, 0.2, 0.3 }, top_k = 10 }));
        Assert.Contains("vec1", hits.GetRawText());
        var point = await Http.OkAsync(Http.GetAsync($"{vdbUrl}/vectors/vec1"));
        Assert.Contains("vec1", point.GetRawText());
    }

    public static async Task MemoryStoreAsync(string memoryUrl) =>
        await Http.OkAsync(Http.PostAsync($"{memoryUrl}/memory", MemoryDoc1));

    public static async Task MemoryReadAsync(string memoryUrl)
    {
        var memory = await Http.OkAsync(Http.GetAsync($"{memoryUrl}/memory/doc1"));
        Assert.Contains("My Document", memory.GetRawText());
        var hits = await Http.OkAsync(Http.PostAsync($"{memoryUrl}/memory/search", new { vector = new[] { 0.1, 0.2, 0.3 }, top_k = 5, include_data = true }));
        Assert.Contains("doc1", hits.GetRawText());
        Assert.Contains("My Document", hits.GetRawText());
    }
}
