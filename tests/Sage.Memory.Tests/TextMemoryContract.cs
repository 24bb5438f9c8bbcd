using System.Net;
using System.Text.Json;
using Sage.Client.Memory;

namespace Sage.Memory.Tests;

/// <summary>
/// Store and search by text with the default (local, all-MiniLM-L6-v2) provider, the same in both compositions. The model is
/// loaded once per test run (it is one per process) and every text here is embedded for real, offline.
/// </summary>
public abstract class TextMemoryContract<TStack>(TStack stack) : MemoryApiTests<TStack>(stack) where TStack : MemoryStack
{
    [Fact]
    public async Task Store_by_text_then_search_by_text_finds_the_paraphrase_first_with_its_text_and_model()
    {
        var session = NewId("text");
        var cat = await StoreAsync($$"""{"text":"the cat sits on the mat","session_id":"{{session}}"}""");
        await StoreAsync($$$"""{"text":"stock markets fell","session_id":"{{{session}}}","data":{"source":"news"}}""");
        await StoreAsync($$"""{"text":"the train to Lyon leaves at noon","session_id":"{{session}}"}""");
        var key = cat.GetProperty("key").GetString()!;
        Assert.Equal("the cat sits on the mat", cat.GetProperty("text").GetString());
        Assert.Equal("all-MiniLM-L6-v2", cat.GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.Null, cat.GetProperty("data").ValueKind);

        var results = await SearchAsync($$"""{"query":"a feline rests on a rug","session_id":"{{session}}","top_k":3}""");
        Assert.Equal(3, results.GetArrayLength());
        Assert.Equal(key, results[0].GetProperty("key").GetString());
        Assert.Equal("the cat sits on the mat", results[0].GetProperty("text").GetString());
        Assert.True(results[0].GetProperty("score").GetSingle() > results[1].GetProperty("score").GetSingle() + 0.2f, $"the paraphrase should win clearly: {results}");

        var got = await ReadJsonAsync(await Client.GetAsync($"/memory/{key}?with_vector=true", Ct));
        Assert.Equal("the cat sits on the mat", got.GetProperty("text").GetString());
        Assert.Equal("all-MiniLM-L6-v2", got.GetProperty("model").GetString());
        Assert.Equal(384, got.GetProperty("vector").GetArrayLength());

        var listed = await ReadJsonAsync(await Client.GetAsync($"/memory?session_id={session}&limit=100", Ct));
        Assert.Contains(listed.GetProperty("memories").EnumerateArray(), m => m.GetProperty("text").GetString() == "stock markets fell");
    }

    [Fact]
    public async Task Sage_client_stores_and_searches_by_text()
    {
        var memory = new MemoryClient(Client);
        var session = NewId("client");
        var stored = await memory.StoreAsync(StoreMemoryRequest.ForText("the cat sits on the mat", sessionId: session), Ct);
        await memory.StoreAsync(StoreMemoryRequest.ForText("stock markets fell", sessionId: session), Ct);
        Assert.Equal("all-MiniLM-L6-v2", stored.Model);

        var hits = await memory.SearchAsync(new SearchMemoriesRequest(Vector: null, Query: "a feline rests on a rug", SessionId: session), Ct);
        Assert.Equal(stored.Key, hits.Results[0].Key);
        Assert.Equal("the cat sits on the mat", hits.Results[0].Text);
        Assert.Equal("the cat sits on the mat", (await memory.GetAsync(stored.Key, cancellationToken: Ct))!.Text);
    }

    [Fact]
    public async Task Patch_of_text_re_embeds_the_memory()
    {
        var session = NewId("patch");
        await StoreAsync($$"""{"text":"the cat sits on the mat","session_id":"{{session}}"}""");
        var cake = (await StoreAsync($$"""{"text":"a recipe for chocolate cake","session_id":"{{session}}"}""")).GetProperty("key").GetString();

        var patched = await PatchAsync($"/memory/{cake}", """{"text":"the stock market crashed today"}""");
        await AssertStatusAsync(patched, HttpStatusCode.OK);
        Assert.Equal("the stock market crashed today", (await ReadJsonAsync(patched)).GetProperty("text").GetString());

        var results = await SearchAsync($$"""{"query":"shares fell sharply on wall street","session_id":"{{session}}"}""");
        Assert.Equal(cake, results[0].GetProperty("key").GetString());
    }

    [Fact]
    public async Task Search_with_both_query_and_vector_or_with_neither_is_a_400_problem()
    {
        await StoreAsync("""{"text":"the cat sits on the mat"}""");
        var vector = string.Join(',', Enumerable.Repeat("0.05", 384));

        var both = await AssertProblemAsync(await PostAsync("/memory/search", $$"""{"query":"cat","vector":[{{vector}}]}"""), HttpStatusCode.BadRequest);
        AssertNamesField(both, "query");
        var neither = await AssertProblemAsync(await PostAsync("/memory/search", """{"top_k":3}"""), HttpStatusCode.BadRequest);
        AssertNamesField(neither, "vector");
        var empty = await AssertProblemAsync(await PostAsync("/memory/search", """{"query":"  "}"""), HttpStatusCode.BadRequest);
        AssertNamesField(empty, "query");
    }

    [Fact]
    public async Task Empty_text_is_a_400_problem_and_nothing_is_stored()
    {
        var key = NewId("empty");
        var problem = await AssertProblemAsync(await PostAsync("/memory", $$"""{"key":"{{key}}","text":""}"""), HttpStatusCode.BadRequest);
        AssertNamesField(problem, "text");
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/memory/{key}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Text_longer_than_the_model_reads_is_refused_and_nothing_is_stored()
    {
        var key = NewId("long");
        var text = string.Join(' ', Enumerable.Repeat("memory", 300));
        var problem = await AssertProblemAsync(await PostAsync("/memory", $$"""{"key":"{{key}}","text":"{{text}}"}"""), HttpStatusCode.BadRequest);
        AssertNamesField(problem, "text");
        Assert.Contains("256", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/memory/{key}", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_vector_of_another_dimension_than_the_model_is_refused_with_what_to_do()
    {
        await StoreAsync("""{"text":"the cat sits on the mat"}""");
        var problem = await AssertProblemAsync(await PostAsync("/memory", """{"data":1,"vector":[0.1,0.2,0.3]}"""), HttpStatusCode.BadRequest);
        AssertNamesField(problem, "vector");
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("384", detail);
        Assert.Contains("Sage:Memory:Collection", detail);
    }
}

public sealed class EmbeddedTextMemoryTests(EmbeddedStack stack) : TextMemoryContract<EmbeddedStack>(stack);

public sealed class StandardTextMemoryTests(StandardStack stack) : TextMemoryContract<StandardStack>(stack);
