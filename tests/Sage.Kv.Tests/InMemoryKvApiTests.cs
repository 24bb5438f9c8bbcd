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
    }
}
