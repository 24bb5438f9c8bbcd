using System.Net;
using System.Text.Json;

namespace Sage.Memory.Tests;

/// <summary>The <c>openai</c> provider against <see cref="OpenAiStandIn"/>: the wire shapes, and what each upstream failure becomes.</summary>
public sealed class OpenAiProviderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Generous, so a loaded CI machine's first call (JIT, connection) is never mistaken for a slow provider; the slow-provider
    // test shortens it.
    private static async Task<(OpenAiStandIn StandIn, EmbeddedStack Stack)> StartAsync(string? dimensions = null, string timeout = "00:00:15")
    {
        var standIn = await OpenAiStandIn.StartAsync();
        var stack = new EmbeddedStack
        {
            Overrides =
            {
                // The connection string alone picks the openai provider.
                ["ConnectionStrings:embeddings"] = $"Endpoint={standIn.Endpoint};Key={OpenAiStandIn.ApiKey};Model=stand-in-embed",
                ["Sage:Embeddings:Dimensions"] = dimensions,
                ["Sage:Embeddings:Timeout"] = timeout,
            },
        };
        await stack.InitializeAsync();
        return (standIn, stack);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stores_and_searches_by_text_through_an_openai_compatible_endpoint(bool serverAlwaysSendsFloats)
    {
        var (standIn, stack) = await StartAsync();
        await using var _ = standIn;
        await using var __ = stack;
        standIn.AlwaysFloats = serverAlwaysSendsFloats;

        var stored = await stack.Client.PostAsync("/memory", Json("""{"key":"cat","text":"the cat sits on the mat"}"""), Ct);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        Assert.Equal("stand-in-embed", (await ReadAsync(stored)).GetProperty("model").GetString());
        await stack.Client.PostAsync("/memory", Json("""{"key":"stocks","text":"stock markets fell"}"""), Ct);

        var search = await ReadAsync(await stack.Client.PostAsync("/memory/search", Json("""{"query":"the cat sits on the mat"}"""), Ct));
        Assert.Equal("cat", search.GetProperty("results")[0].GetProperty("key").GetString());
        var got = await ReadAsync(await stack.Client.GetAsync("/memory/cat?with_vector=true", Ct));
        Assert.Equal(OpenAiStandIn.Dimension, got.GetProperty("vector").GetArrayLength());

        var (body, authorization) = standIn.Requests.First();
        Assert.Equal($"Bearer {OpenAiStandIn.ApiKey}", authorization);
        Assert.Equal("stand-in-embed", body.GetProperty("model").GetString());
        Assert.Equal("base64", body.GetProperty("encoding_format").GetString());
    }

    [Fact]
    public async Task The_dimensions_setting_is_asked_of_the_model_and_sets_the_collection()
    {
        var (standIn, stack) = await StartAsync(dimensions: "8");
        await using var _ = standIn;
        await using var __ = stack;

        Assert.Equal(HttpStatusCode.Created, (await stack.Client.PostAsync("/memory", Json("""{"key":"k","text":"hello there"}"""), Ct)).StatusCode);
        Assert.Equal(8, standIn.Requests.First().Body.GetProperty("dimensions").GetInt32());
        Assert.Equal(8, (await ReadAsync(await stack.Client.GetAsync("/memory/k?with_vector=true", Ct))).GetProperty("vector").GetArrayLength());
    }

    [Theory]
    [InlineData(401, HttpStatusCode.BadGateway, "Sage:Embeddings:Key")]
    [InlineData(429, HttpStatusCode.ServiceUnavailable, "rate-limiting")]
    [InlineData(500, HttpStatusCode.ServiceUnavailable, "failed (500)")]
    public async Task Upstream_failures_become_clear_problems_and_nothing_is_written(int upstream, HttpStatusCode expected, string says)
    {
        var (standIn, stack) = await StartAsync();
        await using var _ = standIn;
        await using var __ = stack;
        standIn.Answer = upstream;

        var response = await stack.Client.PostAsync("/memory", Json("""{"key":"k","text":"the cat sits on the mat"}"""), Ct);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(says, (await ReadAsync(response)).GetProperty("detail").GetString());
        if (expected == HttpStatusCode.ServiceUnavailable)
            Assert.Equal(upstream == 429 ? TimeSpan.FromSeconds(7) : TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.NotFound, (await stack.Client.GetAsync("/memory/k", Ct)).StatusCode);
        Assert.Single(standIn.Requests);
    }

    [Fact]
    public async Task A_slow_provider_is_a_503_with_retry_after_and_nothing_is_written()
    {
        var (standIn, stack) = await StartAsync(timeout: "00:00:01");
        await using var _ = standIn;
        await using var __ = stack;
        standIn.Delay = TimeSpan.FromSeconds(5);

        var response = await stack.Client.PostAsync("/memory", Json("""{"key":"k","text":"the cat sits on the mat"}"""), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.NotFound, (await stack.Client.GetAsync("/memory/k", Ct)).StatusCode);
    }

    [Fact]
    public async Task With_provider_none_text_without_a_vector_is_a_400_that_says_how_to_enable_embeddings()
    {
        await using var stack = new EmbeddedStack { Overrides = { ["Sage:Embeddings:Provider"] = "none" } };
        await stack.InitializeAsync();

        var stored = await stack.Client.PostAsync("/memory", Json("""{"key":"k","text":"the cat sits on the mat"}"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, stored.StatusCode);
        Assert.Contains("SAGE_EMBEDDINGS_PROVIDER=local", (await ReadAsync(stored)).GetProperty("detail").GetString());
        var search = await stack.Client.PostAsync("/memory/search", Json("""{"query":"cat"}"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, search.StatusCode);
        // Vectors with text still work: the text is kept, no model is named.
        var withVector = await stack.Client.PostAsync("/memory", Json("""{"key":"v","text":"the cat","vector":[1,0,0]}"""), Ct);
        Assert.Equal(HttpStatusCode.Created, withVector.StatusCode);
        var record = await ReadAsync(withVector);
        Assert.Equal("the cat", record.GetProperty("text").GetString());
        Assert.False(record.TryGetProperty("model", out var model) && model.ValueKind != JsonValueKind.Null);
    }
}
