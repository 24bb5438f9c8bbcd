using System.ClientModel;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;

namespace Sage.Memory.Tests;

/// <summary><c>POST /embeddings</c>: Memory's local model in OpenAI's shape, the same vectors Memory stores with.</summary>
public sealed class EmbeddingsApiTests(EmbeddedStack stack) : MemoryApiTests<EmbeddedStack>(stack)
{
    [Fact]
    public async Task Embeddings_answers_in_openai_shape_with_one_384_dimensional_vector_per_input_in_order()
    {
        var body = await ReadJsonAsync(await PostAsync("/embeddings", """{"input":["the cat sits on the mat","stock markets fell"],"model":"all-MiniLM-L6-v2"}"""));

        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal("all-MiniLM-L6-v2", body.GetProperty("model").GetString());
        var data = body.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal([0, 1], data.Select(d => d.GetProperty("index").GetInt32()));
        Assert.All(data, d => Assert.Equal("embedding", d.GetProperty("object").GetString()));
        Assert.All(data, d => Assert.Equal(384, d.GetProperty("embedding").GetArrayLength()));
        Assert.True(body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() >= 8);
    }

    [Fact]
    public async Task A_memory_stored_by_text_is_found_with_the_vector_the_endpoint_gives_for_a_paraphrase()
    {
        var session = NewId("shared");
        var cat = (await StoreAsync($$"""{"text":"the cat sits on the mat","session_id":"{{session}}"}""")).GetProperty("key").GetString();
        await StoreAsync($$"""{"text":"stock markets fell","session_id":"{{session}}"}""");

        var query = await ReadJsonAsync(await PostAsync("/embeddings", """{"input":"a feline rests on a rug"}"""));
        var vector = query.GetProperty("data")[0].GetProperty("embedding").GetRawText();
        var results = await SearchAsync($$"""{"vector":{{vector}},"session_id":"{{session}}","top_k":2}""");
        Assert.Equal(cat, results[0].GetProperty("key").GetString());
    }

    [Fact]
    public async Task The_openai_sdk_pointed_at_memory_gets_the_same_vectors_as_base64()
    {
        // The OpenAI SDK asks for base64 by default; Microsoft.Extensions.AI's generator over it is what another .NET app would use.
        var client = new EmbeddingClient("all-MiniLM-L6-v2", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = Client.BaseAddress });
        using var generator = client.AsIEmbeddingGenerator();
        var fromSdk = await generator.GenerateAsync(["the cat sits on the mat", "stock markets fell"], cancellationToken: Ct);

        var asFloats = await ReadJsonAsync(await PostAsync("/embeddings", """{"input":["the cat sits on the mat","stock markets fell"],"encoding_format":"float"}"""));
        for (var i = 0; i < 2; i++)
        {
            var expected = asFloats.GetProperty("data")[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            Assert.Equal(expected, fromSdk[i].Vector.ToArray());
        }
    }

    [Theory]
    [InlineData("""{"input":[]}""", "input")]
    [InlineData("""{"input":["ok",""]}""", "input[1]")]
    [InlineData("""{"input":[1,2,3]}""", "input")]
    [InlineData("""{"input":"ok","model":"text-embedding-3-small"}""", "model")]
    [InlineData("""{"input":"ok","encoding_format":"hex"}""", "encoding_format")]
    [InlineData("""{"input":"ok","dimensions":100}""", "dimensions")]
    public async Task A_request_the_model_cannot_answer_is_a_400_problem_naming_the_field(string json, string field)
    {
        var problem = await AssertProblemAsync(await PostAsync("/embeddings", json), HttpStatusCode.BadRequest);
        AssertNamesField(problem, field);
    }
}
