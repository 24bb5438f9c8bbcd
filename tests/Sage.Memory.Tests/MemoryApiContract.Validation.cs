using System.Net;
using Sage.Memory.Memories;

namespace Sage.Memory.Tests;

public abstract partial class MemoryApiContract<TStack>
{
    public static TheoryData<string, string> BadStores => new()
    {
        { """{"key":"KEY","data":1,"vector":[0.1,0.2,0.3,0.4]}""", "vector" },
        { """{"key":"KEY","data":1,"vector":[1e39,0,0]}""", "vector" },
        { """{"key":"KEY","data":1,"vector":[]}""", "vector" },
        { """{"key":"KEY","data":1,"session_id":"bad\u0001session"}""", "session_id" },
        { """{"key":"KEY","data":1,"ttl":0}""", "ttl" },
        { """{"key":"KEY","data":1,"metadata":[1,2]}""", "metadata" },
        { """{"key":"KEY"}""", "data" },
        { """{"key":"KEY","data":1,"memory_typo":"x"}""", "memory_typo" },
        { """{"key":"KEY","data":null}""", "data" },
        { """{"key":"KEY","data":1,"ttl":"10"}""", "ttl" },
        { """{"key":"KEY","data":1,"vector":["1","2","3"]}""", "vector[0]" },
    };

    [Theory]
    [MemberData(nameof(BadStores))]
    public async Task A_bad_store_is_a_400_naming_the_field_and_changes_nothing(string template, string field)
    {
        await StoreAsync($$$"""{"key":"{{{NewId("dimension")}}}","data":0,"vector":[1,2,3]}""");
        var key = NewId("bad");
        var problem = await AssertProblemAsync(await PostAsync("/memory", template.Replace("KEY", key, StringComparison.Ordinal)), HttpStatusCode.BadRequest);
        AssertNamesField(problem, field);
        Assert.Null(await Stack.Kv.GetAsync(MemoryLayout.RecordKey(key), Ct));
        Assert.Empty(await Stack.Vectors.GetAsync(MemoryStack.Collection, [key], cancellationToken: Ct));
    }

    [Fact]
    public async Task Over_long_keys_are_refused_and_a_bad_replace_keeps_the_old_memory()
    {
        var problem = await AssertProblemAsync(await PostAsync("/memory", $$$"""{"key":"{{{new string('k', 257)}}}","data":1}"""), HttpStatusCode.BadRequest);
        AssertNamesField(problem, "key");
        Assert.Equal(HttpStatusCode.Created, (await PostAsync("/memory", $$$"""{"key":"{{{new string('k', 256)}}}","data":1}""")).StatusCode);

        var key = NewId("keep");
        await StoreAsync($$$"""{"key":"{{{key}}}","data":"old","vector":[1,2,3]}""");
        await AssertProblemAsync(await PostAsync("/memory", $$$"""{"key":"{{{key}}}","data":"new","vector":[1,2]}"""), HttpStatusCode.BadRequest);
        var got = await ReadJsonAsync(await Client.GetAsync($"/memory/{key}", Ct));
        Assert.Equal("old", got.GetProperty("data").GetString());
    }

    public static TheoryData<string, string> BadSearches => new()
    {
        { """{"vector":[1,2,3],"top_k":0}""", "top_k" },
        { """{"vector":[1,2,3],"top_k":1001}""", "top_k" },
        { """{"vector":[1,2]}""", "vector" },
        { """{"top_k":3}""", "vector" },
        { """{"vector":[1,2,3],"filter":{"must":[{"key":"category","matches":{"value":"x"}}]}}""", "filter.must[0]" },
        { """{"vector":[1,2,3],"filter":{"mist":[]}}""", "filter.mist" },
        { """{"vector":[1,2,3],"session_id":"a\u0007b"}""", "session_id" },
        { """{"vector":[1,2,3],"top_k":"5"}""", "top_k" },
    };

    [Theory]
    [MemberData(nameof(BadSearches))]
    public async Task A_bad_search_is_a_400_naming_the_field(string body, string field)
    {
        await StoreAsync($$$"""{"key":"{{{NewId("dimension")}}}","data":0,"vector":[1,2,3]}""");
        AssertNamesField(await AssertProblemAsync(await PostAsync("/memory/search", body), HttpStatusCode.BadRequest), field);
    }

    [Fact]
    public async Task Sizes_over_the_limits_are_413_and_bad_listing_parameters_are_400()
    {
        var key = NewId("big");
        var bigData = new string('x', 20_000);
        var tooMuchData = await AssertProblemAsync(await PostAsync("/memory", $$$"""{"key":"{{{key}}}","data":"{{{bigData}}}"}"""), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("data", tooMuchData.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var hugeBody = new string('x', 70_000);
        await AssertProblemAsync(await PostAsync("/memory", $$$"""{"key":"{{{key}}}","data":"{{{hugeBody}}}"}"""), HttpStatusCode.RequestEntityTooLarge);
        Assert.Null(await Stack.Kv.GetAsync(MemoryLayout.RecordKey(key), Ct));

        AssertNamesField(await AssertProblemAsync(await Client.GetAsync("/sessions/s/memories?limit=0", Ct), HttpStatusCode.BadRequest), "limit");
        AssertNamesField(await AssertProblemAsync(await Client.GetAsync("/sessions/s/memories?cursor=%%%", Ct), HttpStatusCode.BadRequest), "cursor");
        AssertNamesField(await AssertProblemAsync(await Client.GetAsync("/sessions/s/memories?since=yesterday", Ct), HttpStatusCode.BadRequest), "since");
        AssertNamesField(await AssertProblemAsync(await Client.GetAsync("/sessions/a%01b/memories", Ct), HttpStatusCode.BadRequest), "session_id");
        AssertNamesField(await AssertProblemAsync(await PatchAsync($"/memory/{key}", "{}"), HttpStatusCode.BadRequest), "data");
    }
}
