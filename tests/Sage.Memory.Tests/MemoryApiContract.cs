using System.Net;
using System.Text;
using System.Text.Json;
using Sage.Memory.Memories;

namespace Sage.Memory.Tests;

/// <summary>The Memory HTTP API, the same in both compositions; each composition's class supplies the running stack.</summary>
public abstract partial class MemoryApiContract<TStack>(TStack stack) : MemoryApiTests<TStack>(stack) where TStack : MemoryStack
{
    [Fact]
    public async Task Seed_store_returns_201_with_the_record_and_get_returns_it()
    {
        var key = NewId("doc1");
        var stored = await StoreAsync($$$"""{"key":"{{{key}}}","data":{"title":"My Document"},"vector":[0.1,0.2,0.3],"metadata":{"category":"test"}}""");
        Assert.Equal(key, stored.GetProperty("key").GetString());
        Assert.Equal("My Document", stored.GetProperty("data").GetProperty("title").GetString());
        Assert.Equal(3, stored.GetProperty("vector").GetArrayLength());
        Assert.Equal("test", stored.GetProperty("metadata").GetProperty("category").GetString());
        Assert.Equal("conversation", stored.GetProperty("memory_type").GetString());
        Assert.Equal(stored.GetProperty("created_at").GetDateTimeOffset(), stored.GetProperty("updated_at").GetDateTimeOffset());

        var got = await ReadJsonAsync(await Client.GetAsync($"/memory/{key}", Ct));
        Assert.Equal("My Document", got.GetProperty("data").GetProperty("title").GetString());
        Assert.False(got.TryGetProperty("vector", out _));
        // The vector as VDB keeps it: a cosine collection stores it normalised, so compare directions.
        var withVector = (await ReadJsonAsync(await Client.GetAsync($"/memory/{key}?with_vector=true", Ct))).GetProperty("vector");
        Assert.Equal(2.0, withVector[1].GetDouble() / withVector[0].GetDouble(), 3);
    }

    [Fact]
    public async Task Store_without_a_key_generates_a_uuid_and_memories_need_no_vector()
    {
        var stored = await StoreAsync("""{"data":"just text","session_id":"s-generated"}""");
        Assert.True(Guid.TryParse(stored.GetProperty("key").GetString(), out _));
        var got = await Client.GetAsync($"/memory/{stored.GetProperty("key").GetString()}", Ct);
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
    }

    [Fact]
    public async Task Storing_the_same_key_again_replaces_it_keeping_created_at()
    {
        var key = NewId("replace");
        var first = await StoreAsync($$$"""{"key":"{{{key}}}","data":{"v":1},"vector":[1,0,0],"metadata":{"category":"old"}}""");
        await Task.Delay(20, Ct);
        var second = await StoreAsync($$$"""{"key":"{{{key}}}","data":{"v":2},"vector":[0,1,0],"metadata":{"category":"new"}}""");
        Assert.Equal(first.GetProperty("created_at").GetDateTimeOffset(), second.GetProperty("created_at").GetDateTimeOffset());
        Assert.True(second.GetProperty("updated_at").GetDateTimeOffset() > first.GetProperty("updated_at").GetDateTimeOffset());

        var got = await ReadJsonAsync(await Client.GetAsync($"/memory/{key}", Ct));
        Assert.Equal(2, got.GetProperty("data").GetProperty("v").GetInt32());
        var hits = await SearchAsync($$$"""{"vector":[0,1,0],"top_k":1000,"filter":{"must":[{"has_id":["{{{key}}}"]}]}}""");
        var hit = Assert.Single(hits.EnumerateArray());
        Assert.Equal("new", hit.GetProperty("metadata").GetProperty("category").GetString());
        Assert.True(hit.GetProperty("score").GetSingle() > 0.99f);
    }

    [Fact]
    public async Task Replacing_a_memory_without_a_vector_removes_its_old_vector()
    {
        var key = NewId("unvector");
        await StoreAsync($$$"""{"key":"{{{key}}}","data":1,"vector":[1,1,0]}""");
        await StoreAsync($$$"""{"key":"{{{key}}}","data":2}""");
        Assert.Empty(await Stack.Vectors.GetAsync(MemoryStack.Collection, [key], cancellationToken: Ct));
    }

    [Fact]
    public async Task Patch_replaces_only_the_parts_sent()
    {
        var key = NewId("patch");
        await StoreAsync($$$"""{"key":"{{{key}}}","data":{"title":"keep"},"vector":[0.5,0.5,0],"metadata":{"category":"a"},"session_id":"{{{key}}}"}""");

        await AssertStatusAsync(await PatchAsync($"/memory/{key}", """{"metadata":{"category":"b"}}"""), HttpStatusCode.OK);
        var got = await ReadJsonAsync(await Client.GetAsync($"/memory/{key}", Ct));
        Assert.Equal("keep", got.GetProperty("data").GetProperty("title").GetString());
        Assert.Equal("b", got.GetProperty("metadata").GetProperty("category").GetString());
        var hit = Assert.Single((await SearchAsync($$$"""{"vector":[0.5,0.5,0],"session_id":"{{{key}}}"}""")).EnumerateArray());
        Assert.Equal("b", hit.GetProperty("metadata").GetProperty("category").GetString());

        await AssertStatusAsync(await PatchAsync($"/memory/{key}", """{"data":{"title":"new"},"vector":[0,0,1]}"""), HttpStatusCode.OK);
        var best = (await SearchAsync($$$"""{"vector":[0,0,1],"session_id":"{{{key}}}","include_data":true}"""))[0];
        Assert.Equal("new", best.GetProperty("data").GetProperty("title").GetString());
        Assert.True(best.GetProperty("score").GetSingle() > 0.99f);

        await AssertProblemAsync(await PatchAsync($"/memory/{NewId("absent")}", """{"data":1}"""), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_removes_data_and_vector_then_answers_404()
    {
        var key = NewId("delete");
        await StoreAsync($$$"""{"key":"{{{key}}}","data":"x","vector":[0.3,0.2,0.1],"session_id":"{{{key}}}"}""");
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/memory/{key}", Ct)).StatusCode);

        await AssertProblemAsync(await Client.GetAsync($"/memory/{key}", Ct), HttpStatusCode.NotFound);
        await AssertProblemAsync(await Client.DeleteAsync($"/memory/{key}", Ct), HttpStatusCode.NotFound);
        Assert.Empty((await SearchAsync($$$"""{"vector":[0.3,0.2,0.1],"session_id":"{{{key}}}"}""")).EnumerateArray());
        Assert.Null(await Stack.Kv.GetAsync(MemoryLayout.RecordKey(key), Ct));
        Assert.Empty(await Stack.Vectors.GetAsync(MemoryStack.Collection, [key], cancellationToken: Ct));
    }

    [Fact]
    public async Task Dependencies_health_and_metrics_report_the_composition()
    {
        await StoreAsync($$$"""{"key":"{{{NewId("metrics")}}}","data":1}""");
        var dependencies = await ReadJsonAsync(await Client.GetAsync("/dependencies", Ct));
        Assert.Equal(ExpectedMode, dependencies.GetProperty("mode").GetString());
        foreach (var name in new[] { "kv", "vdb" })
        {
            var dependency = dependencies.GetProperty(name);
            Assert.Equal("healthy", dependency.GetProperty("status").GetString());
            Assert.True(dependency.TryGetProperty("latency_ms", out _));
            Assert.False(string.IsNullOrEmpty(dependency.GetProperty("backend").GetString()));
        }
        var health = await Client.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", (await ReadJsonAsync(health)).GetProperty("status").GetString());
        var metrics = await Client.GetStringAsync("/metrics", Ct);
        Assert.Contains("sage_memory_stores", metrics, StringComparison.Ordinal);
    }

    protected abstract string ExpectedMode { get; }
}
