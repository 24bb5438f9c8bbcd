using System.Net;
using System.Net.Http.Json;
using Sage.Memory.Memories;

namespace Sage.Memory.Tests;

/// <summary>Hostile input on Memory's KV-facing parts (issue 10, findings 3 to 5): a 400 problem, never a 500, and nothing stored changes.</summary>
public abstract partial class MemoryApiContract<TStack>
{
    [Theory]
    [InlineData(300000000000)]
    [InlineData(922337203685)]
    [InlineData(3153600001)]
    public async Task A_ttl_above_the_maximum_is_400_on_store_and_update_and_changes_nothing(long ttl)
    {
        var key = NewId("ttl");
        await StoreAsync($$$"""{"key":"{{{key}}}","data":"old"}""");
        AssertNamesField(await AssertProblemAsync(await Client.PostAsync("/memory", JsonContent.Create(new { key, data = "new", ttl }), Ct),
            HttpStatusCode.BadRequest), "ttl");
        AssertNamesField(await AssertProblemAsync(await Client.PatchAsync($"/memory/{key}", JsonContent.Create(new { data = "new", ttl }), Ct),
            HttpStatusCode.BadRequest), "ttl");
        var got = await ReadJsonAsync(await Client.GetAsync($"/memory/{key}", Ct));
        Assert.Equal("old", got.GetProperty("data").GetString());
    }

    [Fact]
    public async Task The_maximum_ttl_is_accepted()
    {
        var key = NewId("longest");
        await StoreAsync($$$"""{"key":"{{{key}}}","data":1,"ttl":3153600000}""");
        await AssertStatusAsync(await Client.GetAsync($"/memory/{key}", Ct), HttpStatusCode.OK);
    }

    public static TheoryData<string> ReachableSuffixes => new()
    {
        "what?", "a#b", "100%", "a%2Fb", "with space", "ü-ñ-日本-🙂", "a.b", "...", "a+b", "a&b=c", "back\\slash",
    };

    [Theory]
    [MemberData(nameof(ReachableSuffixes))]
    public async Task A_key_accepted_by_store_is_reachable_by_get_and_delete(string suffix)
    {
        var key = NewId("reach") + suffix;
        await AssertStatusAsync(await Client.PostAsync("/memory", JsonContent.Create(new { key, data = "v" }), Ct), HttpStatusCode.Created);
        var url = "/memory/" + Uri.EscapeDataString(key);
        var got = await Client.GetAsync(url, Ct);
        await AssertStatusAsync(got, HttpStatusCode.OK);
        Assert.Equal(key, (await ReadJsonAsync(got)).GetProperty("key").GetString());
        await AssertStatusAsync(await Client.DeleteAsync(url, Ct), HttpStatusCode.NoContent);
        await AssertProblemAsync(await Client.GetAsync(url, Ct), HttpStatusCode.NotFound);
        Assert.Null(await Stack.Kv.GetAsync(MemoryLayout.RecordKey(key), Ct));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../x")]
    public async Task A_key_no_url_can_address_is_refused_at_store_and_nothing_is_stored(string key)
    {
        await StoreAsync($$$"""{"key":"{{{NewId("dimension")}}}","data":0,"vector":[1,2,3]}""");
        var problem = await AssertProblemAsync(await Client.PostAsync("/memory", JsonContent.Create(new { key, data = 1, vector = new[] { 1f, 2f, 3f } }), Ct),
            HttpStatusCode.BadRequest);
        AssertNamesField(problem, "key");
        Assert.Contains("/", problem.GetProperty("errors").GetProperty("key")[0].GetString());
        Assert.Null(await Stack.Kv.GetAsync(MemoryLayout.RecordKey(key), Ct));
        Assert.Empty(await Stack.Vectors.GetAsync(MemoryStack.Collection, [key], cancellationToken: Ct));
    }

    [Fact]
    public async Task A_session_id_no_url_can_address_is_refused_and_nothing_is_stored()
    {
        var key = NewId("session");
        AssertNamesField(await AssertProblemAsync(await Client.PostAsync("/memory", JsonContent.Create(new { key, data = 1, session_id = "a/b" }), Ct),
            HttpStatusCode.BadRequest), "session_id");
        Assert.Null(await Stack.Kv.GetAsync(MemoryLayout.RecordKey(key), Ct));
    }
}
