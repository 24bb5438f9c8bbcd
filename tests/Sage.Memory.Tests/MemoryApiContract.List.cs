using System.Net;
using System.Text.Json;
using Sage.Storage.Kv;

namespace Sage.Memory.Tests;

/// <summary><c>GET /memory</c>: every live memory, a page at a time, and where Memory keeps its records in KV.</summary>
public abstract partial class MemoryApiContract<TStack>
{
    /// <summary>Follows next_cursor from the first page to the end; every page is checked against <paramref name="limit"/>.</summary>
    protected async Task<List<JsonElement>> ListAllAsync(string query, int limit, Func<Task>? betweenPages = null)
    {
        var memories = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var response = await Client.GetAsync($"/memory?limit={limit}&{query}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"), Ct);
            await AssertStatusAsync(response, HttpStatusCode.OK);
            var page = await ReadJsonAsync(response);
            var items = page.GetProperty("memories").EnumerateArray().ToList();
            Assert.True(items.Count <= limit, $"a page of limit {limit} held {items.Count}");
            memories.AddRange(items);
            cursor = page.TryGetProperty("next_cursor", out var next) ? next.GetString() : null;
            if (betweenPages is not null)
                await betweenPages();
        }
        while (cursor is not null);
        return memories;
    }

    protected static string[] SortedKeys(IEnumerable<JsonElement> memories) =>
        memories.Select(m => m.GetProperty("key").GetString()!).Distinct().Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task List_pages_through_every_live_memory_with_the_cursor()
    {
        var prefix = NewId("all");
        var keys = Enumerable.Range(0, 7).Select(i => $"{prefix}-{i}").ToArray();
        foreach (var key in keys)
            await StoreAsync($$$"""{"key":"{{{key}}}","data":{"n":"{{{key}}}"}}""");

        var listed = await ListAllAsync("", limit: 3);

        Assert.Subset(listed.Select(m => m.GetProperty("key").GetString()!).ToHashSet(), keys.ToHashSet());
        var one = listed.First(m => m.GetProperty("key").GetString() == keys[0]);
        Assert.Equal(keys[0], one.GetProperty("data").GetProperty("n").GetString());
        Assert.False(one.TryGetProperty("vector", out _));
    }

    [Fact]
    public async Task List_filters_by_session_and_memory_type()
    {
        var session = NewId("list-session");
        var other = NewId("list-other");
        var type = NewId("type");
        for (var i = 0; i < 3; i++)
            await StoreAsync($$$"""{"key":"{{{session}}}-f{{{i}}}","data":{{{i}}},"session_id":"{{{session}}}","memory_type":"{{{type}}}"}""");
        for (var i = 0; i < 2; i++)
            await StoreAsync($$$"""{"key":"{{{session}}}-c{{{i}}}","data":{{{i}}},"session_id":"{{{session}}}"}""");
        await StoreAsync($$$"""{"key":"{{{other}}}-f","data":0,"session_id":"{{{other}}}","memory_type":"{{{type}}}"}""");

        var inSession = await ListAllAsync($"session_id={session}", limit: 2);
        var factsInSession = await ListAllAsync($"session_id={session}&memory_type={type}", limit: 2);
        var facts = await ListAllAsync($"memory_type={type}", limit: 100);

        Assert.Equal(SortedKeys(inSession), new[] { "c0", "c1", "f0", "f1", "f2" }.Select(s => $"{session}-{s}"));
        Assert.All(inSession, m => Assert.Equal(session, m.GetProperty("session_id").GetString()));
        Assert.Equal(SortedKeys(factsInSession), new[] { "f0", "f1", "f2" }.Select(s => $"{session}-{s}"));
        Assert.Equal(SortedKeys(facts), new[] { $"{other}-f", $"{session}-f0", $"{session}-f1", $"{session}-f2" }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task List_skips_expired_memories()
    {
        var session = NewId("list-ttl");
        await StoreAsync($$$"""{"key":"{{{session}}}-brief","data":1,"session_id":"{{{session}}}","ttl":1}""");
        await StoreAsync($$$"""{"key":"{{{session}}}-lasting","data":2,"session_id":"{{{session}}}","ttl":3600}""");
        Assert.Equal(2, (await ListAllAsync($"session_id={session}", limit: 10)).Count);

        await Task.Delay(1100, Ct);

        Assert.Equal([$"{session}-lasting"], SortedKeys(await ListAllAsync($"session_id={session}", limit: 10)));
    }

    [Fact]
    public async Task List_with_vectors_adds_each_stored_vector()
    {
        var session = NewId("list-vectors");
        await StoreAsync($$$"""{"key":"{{{session}}}-v","data":1,"vector":[0.2,0.4,0.1],"session_id":"{{{session}}}"}""");
        await StoreAsync($$$"""{"key":"{{{session}}}-none","data":2,"session_id":"{{{session}}}"}""");

        var listed = await ListAllAsync($"session_id={session}&with_vectors=true", limit: 10);

        var vector = listed.Single(m => m.GetProperty("key").GetString() == $"{session}-v").GetProperty("vector");
        Assert.Equal(2.0, vector[1].GetDouble() / vector[0].GetDouble(), 3);
        Assert.False(listed.Single(m => m.GetProperty("key").GetString() == $"{session}-none").TryGetProperty("vector", out _));
    }

    [Fact]
    public async Task List_returns_every_memory_that_exists_throughout_while_others_are_written_and_deleted()
    {
        var session = NewId("list-churn");
        var lasting = Enumerable.Range(0, 20).Select(i => $"{session}-keep{i:D2}").ToArray();
        foreach (var key in lasting)
            await StoreAsync($$$"""{"key":"{{{key}}}","data":1,"session_id":"{{{session}}}"}""");
        var round = 0;

        var listed = await ListAllAsync($"session_id={session}", limit: 3, betweenPages: async () =>
        {
            // Keys that sort before, between and after the lasting ones, added and removed while the listing runs.
            foreach (var churn in new[] { $"{session}-a{round}", $"{session}-keep05x{round}", $"{session}-z{round}" })
                await StoreAsync($$$"""{"key":"{{{churn}}}","data":0,"session_id":"{{{session}}}"}""");
            if (round > 0)
                Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/memory/{session}-keep05x{round - 1}", Ct)).StatusCode);
            round++;
        });

        Assert.Subset(SortedKeys(listed).ToHashSet(), lasting.ToHashSet());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", null)]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=c2Vzc2lvbjox", "cursor")]
    [InlineData("session_id=a%2Fb", "session_id")]
    public async Task List_refuses_a_bad_limit_cursor_or_session_with_a_400_problem(string query, string? field)
    {
        var problem = await AssertProblemAsync(await Client.GetAsync($"/memory?{query}", Ct), HttpStatusCode.BadRequest);
        // A number that does not parse is refused by the framework's binding, before the route can name the field.
        if (field is not null)
            AssertNamesField(problem, field);
    }

    [Fact]
    public async Task Memory_keeps_its_records_in_kv_memory_namespace_only()
    {
        var key = NewId("where");
        await StoreAsync($$$"""{"key":"{{{key}}}","data":1,"session_id":"{{{key}}}"}""");

        var stored = (await Stack.Kv.ScanAsync($"*{key}*", null, 1000, Ct)).Keys;
        var publicKeys = (await Stack.Kv.ScanNamespaceAsync(null, $"*{key}*", null, 1000, Ct)).Keys;

        Assert.Equal(2, stored.Count);
        Assert.All(stored, k => Assert.StartsWith(KvNamespaces.ReservedPrefix, k, StringComparison.Ordinal));
        Assert.Empty(publicKeys);
    }
}
