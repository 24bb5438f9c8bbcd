using System.Net;
using System.Text.Json;
using Sage.Memory.Memories;

namespace Sage.Memory.Tests;

public abstract partial class MemoryApiContract<TStack>
{
    [Fact]
    public async Task Search_ranks_best_first_and_includes_data_only_when_asked()
    {
        var session = NewId("search");
        await StoreAsync($$$"""{"key":"{{{session}}}-a","data":{"n":"a"},"vector":[1,0,0],"session_id":"{{{session}}}","metadata":{"category":"x"}}""");
        await StoreAsync($$$"""{"key":"{{{session}}}-b","data":{"n":"b"},"vector":[0.7,0.7,0],"session_id":"{{{session}}}","memory_type":"fact"}""");
        await StoreAsync($$$"""{"key":"{{{session}}}-c","data":{"n":"c"},"vector":[0,0,1],"session_id":"{{{session}}}"}""");

        var plain = await SearchAsync($$$"""{"vector":[1,0.1,0],"top_k":5,"session_id":"{{{session}}}"}""");
        Assert.Equal([$"{session}-a", $"{session}-b", $"{session}-c"], Keys(plain));
        Assert.All(plain.EnumerateArray(), hit => Assert.False(hit.TryGetProperty("data", out _)));
        Assert.Equal(session, plain[0].GetProperty("session_id").GetString());
        Assert.Equal("x", plain[0].GetProperty("metadata").GetProperty("category").GetString());
        Assert.Equal("fact", plain[1].GetProperty("memory_type").GetString());
        var scores = plain.EnumerateArray().Select(h => h.GetProperty("score").GetSingle()).ToArray();
        Assert.Equal(scores.OrderDescending(), scores);

        var withData = await SearchAsync($$$"""{"vector":[1,0.1,0],"top_k":2,"include_data":true,"session_id":"{{{session}}}"}""");
        Assert.Equal(["a", "b"], withData.EnumerateArray().Select(h => h.GetProperty("data").GetProperty("n").GetString()));
    }

    [Fact]
    public async Task Search_filters_by_type_metadata_and_threshold_before_ranking()
    {
        var session = NewId("filter");
        await StoreAsync($$$"""{"key":"{{{session}}}-near","data":1,"vector":[1,0,0],"session_id":"{{{session}}}","metadata":{"category":"test","n":1}}""");
        await StoreAsync($$$"""{"key":"{{{session}}}-far","data":2,"vector":[0,1,0],"session_id":"{{{session}}}","memory_type":"fact","metadata":{"category":"other","n":5}}""");

        Assert.Equal([$"{session}-far"], Keys(await SearchAsync($$$"""{"vector":[1,0,0],"top_k":1,"session_id":"{{{session}}}","memory_type":"fact"}""")));
        Assert.Equal([$"{session}-far"], Keys(await SearchAsync(
            $$$"""{"vector":[1,0,0],"top_k":1,"session_id":"{{{session}}}","filter":{"must":[{"key":"category","match":{"value":"other"}}]}}""")));
        Assert.Equal([$"{session}-far"], Keys(await SearchAsync(
            $$$"""{"vector":[1,0,0],"session_id":"{{{session}}}","filter":{"must":[{"key":"n","range":{"gte":3}}]}}""")));
        Assert.Equal([$"{session}-near"], Keys(await SearchAsync($$$"""{"vector":[1,0,0],"session_id":"{{{session}}}","score_threshold":0.5}""")));
        Assert.Equal(2, (await SearchAsync($$$"""{"vector":[1,0,0],"top_k":1000,"session_id":"{{{session}}}"}""")).GetArrayLength());
    }

    [Fact]
    public async Task Sessions_list_in_time_order_a_page_at_a_time_within_since_and_until()
    {
        var session = NewId("sess");
        var times = new List<DateTimeOffset>();
        for (var i = 0; i < 5; i++)
        {
            // Keys in reverse alphabetical order, to show the order is by time; every other memory has no vector.
            var vector = i % 2 == 0 ? ",\"vector\":[0.1,0.2,0.3]" : "";
            var stored = await StoreAsync($$$"""{"key":"{{{session}}}-{{{9 - i}}}","data":{{{i}}},"session_id":"{{{session}}}"{{{vector}}}}""");
            times.Add(stored.GetProperty("created_at").GetDateTimeOffset());
            await Task.Delay(5, Ct);
        }
        await StoreAsync($$$"""{"key":"{{{NewId("other")}}}","data":0,"session_id":"{{{NewId("other")}}}"}""");

        var seen = new List<int>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/sessions/{session}/memories?limit=2" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await ReadJsonAsync(await Client.GetAsync(url, Ct));
            seen.AddRange(page.GetProperty("memories").EnumerateArray().Select(m => m.GetProperty("data").GetInt32()));
            cursor = page.TryGetProperty("next_cursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null);
        Assert.Equal([0, 1, 2, 3, 4], seen);
        Assert.Equal(3, pages);

        var since = Uri.EscapeDataString(times[1].ToString("O"));
        var until = Uri.EscapeDataString(times[3].ToString("O"));
        var window = await ReadJsonAsync(await Client.GetAsync($"/sessions/{session}/memories?since={since}&until={until}&with_vectors=true", Ct));
        var memories = window.GetProperty("memories");
        Assert.Equal([1, 2, 3], memories.EnumerateArray().Select(m => m.GetProperty("data").GetInt32()));
        Assert.False(memories[0].TryGetProperty("vector", out _));
        Assert.Equal(3, memories[1].GetProperty("vector").GetArrayLength());
    }

    [Fact]
    public async Task Deleting_a_session_clears_its_vectors_and_data()
    {
        var session = NewId("clear");
        await StoreAsync($$$"""{"key":"{{{session}}}-1","data":1,"vector":[0.2,0.2,0.2],"session_id":"{{{session}}}"}""");
        await StoreAsync($$$"""{"key":"{{{session}}}-2","data":2,"session_id":"{{{session}}}"}""");
        var keep = await StoreAsync($$$"""{"key":"{{{NewId("keep")}}}","data":3,"vector":[0.2,0.2,0.2]}""");

        var deleted = await ReadJsonAsync(await Client.DeleteAsync($"/sessions/{session}", Ct));
        Assert.Equal(2, deleted.GetProperty("deleted").GetInt64());
        Assert.Empty((await ReadJsonAsync(await Client.GetAsync($"/sessions/{session}/memories", Ct))).GetProperty("memories").EnumerateArray());
        Assert.Empty((await SearchAsync($$$"""{"vector":[0.2,0.2,0.2],"session_id":"{{{session}}}"}""")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/memory/{session}-2", Ct)).StatusCode);
        Assert.Null(await Stack.Kv.GetAsync(MemoryLayout.RecordKey($"{session}-1"), Ct));
        Assert.Empty(await Stack.Vectors.GetAsync(MemoryStack.Collection, [$"{session}-1"], cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"/memory/{keep.GetProperty("key").GetString()}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Expired_memories_never_appear_and_their_vectors_are_purged()
    {
        var session = NewId("ttl");
        var stored = await StoreAsync($$$"""{"key":"{{{session}}}","data":"brief","vector":[0.9,0.1,0.1],"session_id":"{{{session}}}","ttl":1}""");
        Assert.True(stored.TryGetProperty("expires_at", out _));
        Assert.Single((await SearchAsync($$$"""{"vector":[0.9,0.1,0.1],"session_id":"{{{session}}}"}""")).EnumerateArray());

        await Task.Delay(1100, Ct);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/memory/{session}", Ct)).StatusCode);
        Assert.Empty((await SearchAsync($$$"""{"vector":[0.9,0.1,0.1],"session_id":"{{{session}}}","include_data":true}""")).EnumerateArray());
        Assert.Empty((await ReadJsonAsync(await Client.GetAsync($"/sessions/{session}/memories", Ct))).GetProperty("memories").EnumerateArray());
        await Eventually(async () => (await Stack.Vectors.GetAsync(MemoryStack.Collection, [session], cancellationToken: Ct)).Count == 0);
    }

    protected static async Task Eventually(Func<Task<bool>> condition, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true in time.");
            await Task.Delay(50, Ct);
        }
    }

    protected static JsonElement First(JsonElement results) => results.EnumerateArray().First();
}
