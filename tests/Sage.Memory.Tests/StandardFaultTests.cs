using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sage.Memory.Memories;

namespace Sage.Memory.Tests;

/// <summary>KV and VDB failing under Memory, over real HTTP: nothing half-written, nothing already stored lost, retries converge.</summary>
public sealed class StandardFaultTests : IAsyncLifetime
{
    private readonly StandardStack _stack = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client => _stack.Client;

    public ValueTask InitializeAsync() => _stack.InitializeAsync();

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    private Task<HttpResponseMessage> StoreAsync(string json) =>
        Client.PostAsync("/memory", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    private Task<HttpResponseMessage> SearchAsync(string json) =>
        Client.PostAsync("/memory/search", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    private static async Task AssertStatus(HttpResponseMessage response, HttpStatusCode status) =>
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");

    private static async Task Assert503(HttpResponseMessage response)
    {
        await AssertStatus(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    private async Task<IReadOnlyList<string>> SessionEntriesAsync(string session) =>
        (await _stack.Kv.ScanAsync(MemoryLayout.SessionPattern(session), null, 1000, Ct)).Keys;

    private async Task<bool> HasVectorAsync(string key) =>
        (await _stack.Vectors.GetAsync(MemoryStack.Collection, [key], cancellationToken: Ct)).Count > 0;

    private async Task WarmAsync() => await AssertStatus(await StoreAsync("""{"key":"warm","data":0,"vector":[1,1,1]}"""), HttpStatusCode.Created);

    [Fact]
    public async Task Vdb_failing_during_a_store_answers_503_and_leaves_no_kv_record_then_a_retry_converges()
    {
        await WarmAsync();
        _stack.VdbFaults.FailWhen(r => r.Method == HttpMethods.Post && r.Path.Value!.EndsWith("/vectors", StringComparison.Ordinal));
        const string body = """{"key":"m1","data":{"v":1},"vector":[0.1,0.2,0.3],"session_id":"s1"}""";

        await Assert503(await StoreAsync(body));
        Assert.True(_stack.VdbFaults.Failed > 0);
        Assert.Null(await _stack.Kv.GetAsync(MemoryLayout.RecordKey("m1"), Ct));
        Assert.Empty(await SessionEntriesAsync("s1"));

        _stack.VdbFaults.Clear();
        await AssertStatus(await StoreAsync(body), HttpStatusCode.Created);
        Assert.NotNull(await _stack.Kv.GetAsync(MemoryLayout.RecordKey("m1"), Ct));
        Assert.True(await HasVectorAsync("m1"));
        Assert.Single(await SessionEntriesAsync("s1"));
    }

    [Fact]
    public async Task Replacing_a_memory_while_vdb_is_down_keeps_the_old_record_intact()
    {
        await AssertStatus(await StoreAsync("""{"key":"m2","data":"old","vector":[1,0,0],"session_id":"s2","metadata":{"v":"old"}}"""), HttpStatusCode.Created);
        await _stack.VdbService.StopAsync();

        await Assert503(await StoreAsync("""{"key":"m2","data":"new","vector":[0,1,0],"session_id":"s3","metadata":{"v":"new"}}"""));
        var kept = await JsonOf(await Client.GetAsync("/memory/m2", Ct));
        Assert.Equal("old", kept.GetProperty("data").GetString());
        Assert.Equal("s2", kept.GetProperty("session_id").GetString());
        Assert.Empty(await SessionEntriesAsync("s3"));
        Assert.Single(await SessionEntriesAsync("s2"));

        await _stack.VdbService.RestartAsync();
        await AssertStatus(await StoreAsync("""{"key":"m2","data":"new","vector":[0,1,0],"session_id":"s3","metadata":{"v":"new"}}"""), HttpStatusCode.Created);
        var hit = (await JsonOf(await SearchAsync("""{"vector":[0,1,0],"top_k":1,"include_data":true}"""))).GetProperty("results")[0];
        Assert.Equal("new", hit.GetProperty("data").GetString());
        Assert.Equal("new", hit.GetProperty("metadata").GetProperty("v").GetString());
        Assert.Empty(await SessionEntriesAsync("s2"));
    }

    [Fact]
    public async Task Kv_down_during_a_store_answers_503_and_writes_no_vector()
    {
        await WarmAsync();
        await _stack.KvService.StopAsync();

        await Assert503(await StoreAsync("""{"key":"m3","data":1,"vector":[0.3,0.3,0.3]}"""));
        Assert.False(await HasVectorAsync("m3"));

        await _stack.KvService.RestartAsync();
        await AssertStatus(await StoreAsync("""{"key":"m3","data":1,"vector":[0.3,0.3,0.3]}"""), HttpStatusCode.Created);
        Assert.True(await HasVectorAsync("m3"));
    }

    [Fact]
    public async Task Kv_failing_midway_through_a_session_delete_or_a_search_converges_on_retry()
    {
        for (var i = 0; i < 3; i++)
            await AssertStatus(await StoreAsync($$"""{"key":"s4-{{i}}","data":{{i}},"vector":[1,{{i}},0],"session_id":"s4"}"""), HttpStatusCode.Created);

        _stack.KvFaults.FailWhen(r => r.Method == HttpMethods.Post && r.Path.Value == "/kv/batch-get");
        await Assert503(await SearchAsync("""{"vector":[1,0,0],"include_data":true,"session_id":"s4"}"""));
        // Also without include_data: every hit is checked against its record, so search never names a key GET cannot find.
        await Assert503(await SearchAsync("""{"vector":[1,0,0],"session_id":"s4"}"""));
        _stack.KvFaults.Clear();
        await AssertStatus(await SearchAsync("""{"vector":[1,0,0],"session_id":"s4"}"""), HttpStatusCode.OK);

        // The session delete removes the vectors (VDB first), then fails on the first KV delete.
        _stack.KvFaults.FailWhen(r => r.Method == HttpMethods.Delete);
        await Assert503(await Client.DeleteAsync("/sessions/s4", Ct));
        Assert.False(await HasVectorAsync("s4-0"));

        _stack.KvFaults.Clear();
        var deleted = await JsonOf(await Client.DeleteAsync("/sessions/s4", Ct));
        Assert.Equal(3, deleted.GetProperty("deleted").GetInt64());
        Assert.Null(await _stack.Kv.GetAsync(MemoryLayout.RecordKey("s4-1"), Ct));
        Assert.Empty(await SessionEntriesAsync("s4"));
    }

    [Fact]
    public async Task A_hit_whose_data_was_deleted_behind_memorys_back_is_dropped_and_its_vector_cleaned_up()
    {
        await AssertStatus(await StoreAsync("""{"key":"orphan","data":1,"vector":[1,0,0],"session_id":"s5"}"""), HttpStatusCode.Created);
        await AssertStatus(await StoreAsync("""{"key":"alive","data":2,"vector":[0.9,0.1,0],"session_id":"s5"}"""), HttpStatusCode.Created);
        await _stack.Kv.DeleteAsync(MemoryLayout.RecordKey("orphan"), cancellationToken: Ct);

        var results = (await JsonOf(await SearchAsync("""{"vector":[1,0,0],"include_data":true,"session_id":"s5"}"""))).GetProperty("results");
        Assert.Equal(["alive"], results.EnumerateArray().Select(r => r.GetProperty("key").GetString()));
        for (var waited = 0; await HasVectorAsync("orphan"); waited += 50)
        {
            Assert.True(waited < 10_000, "the orphan vector was not cleaned up");
            await Task.Delay(50, Ct);
        }
        Assert.Contains("sage_memory_orphans_dropped", await Client.GetStringAsync("/metrics", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_is_degraded_and_dependencies_name_the_one_that_is_down()
    {
        await _stack.VdbService.StopAsync();
        var health = await Client.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", (await JsonOf(health)).GetProperty("status").GetString());
        var dependencies = await JsonOf(await Client.GetAsync("/dependencies", Ct));
        Assert.Equal("standard", dependencies.GetProperty("mode").GetString());
        Assert.Equal("healthy", dependencies.GetProperty("kv").GetProperty("status").GetString());
        Assert.Equal("memory", dependencies.GetProperty("kv").GetProperty("backend").GetString());
        Assert.Equal(_stack.KvService.Address.GetLeftPart(UriPartial.Authority), dependencies.GetProperty("kv").GetProperty("location").GetString());
        var vdb = dependencies.GetProperty("vdb");
        Assert.Equal("unhealthy", vdb.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(vdb.GetProperty("error").GetString()));

        await _stack.VdbService.RestartAsync();
        Assert.Equal("Healthy", (await JsonOf(await Client.GetAsync("/health", Ct))).GetProperty("status").GetString());
        Assert.Equal("embedded", (await JsonOf(await Client.GetAsync("/dependencies", Ct))).GetProperty("vdb").GetProperty("backend").GetString());
    }
}
