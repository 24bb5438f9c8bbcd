using System.Net;

namespace Sage.Kv.Tests;

public sealed class InMemoryKvApiTests : KvApiContract
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Sage:Kv:Backend"] = "memory",
    };

    protected override string ExpectedBackend => "memory";

    [Fact]
    public async Task Store_full_answers_507_problem()
    {
        await using var factory = new KvServiceFactory(new Dictionary<string, string?>
        {
            ["Sage:Kv:Backend"] = "memory",
            ["Sage:Kv:Memory:MaxEntries"] = "1",
        });
        using var client = factory.CreateClient();
        await client.PostAsync("/kv", JsonBody("""{"key":"a","value":1}"""), Ct);
        await AssertProblemAsync(await client.PostAsync("/kv", JsonBody("""{"key":"b","value":2}"""), Ct), HttpStatusCode.InsufficientStorage);

        // The refused write changed nothing: the key already stored is intact and the new one was not written.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/kv/a", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/kv/b", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("POST", "/kv", """{"key":"n","value":1,"ttl":"10"}""", "ttl")]
    [InlineData("PUT", "/kv/n", """{"value":1,"ttl":"10"}""", "ttl")]
    [InlineData("POST", "/kv/batch", """{"items":[{"key":"n","value":1,"ttl":"10"}]}""", "items[0].ttl")]
    public async Task Numbers_sent_as_strings_are_400_naming_the_field(string method, string path, string body, string field)
    {
        var response = await Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonBody(body) }, Ct);
        AssertNamesField(await AssertProblemAsync(response, HttpStatusCode.BadRequest), field);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/kv/n", Ct)).StatusCode);
    }
}
