using System.Net;
using System.Text;
using System.Text.Json;

namespace Sage.AppHost.Tests;

/// <summary>
/// The SAGE seed's curl examples, sent to the Memory service of a running AppHost. Each derived
/// class runs them against one AppHost configuration.
/// </summary>
public abstract class MemorySeedFlowTests<TFixture>(TFixture fixture)
    where TFixture : AppHostFixture
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private const string StoreBody = """
        {"key":"doc1","data":{"title":"My Document"},"vector":[0.1,0.2,0.3],"metadata":{"category":"test"}}
        """;

    private const string SearchBody = """
        {"vector":[0.1,0.2,0.3],"top_k":5,"include_data":true}
        """;

    [Fact]
    public async Task Stored_memory_is_found_by_key_and_by_vector_search()
    {
        Assert.SkipWhen(fixture.SkipReason is not null, fixture.SkipReason ?? "");
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = fixture.App.CreateHttpClient("memory");

        using var stored = await client.PostAsync("/memory", Json(StoreBody), cancellationToken)
            .WaitAsync(RequestTimeout, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);

        using var fetched = await client.GetAsync("/memory/doc1", cancellationToken)
            .WaitAsync(RequestTimeout, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        using var memory = await ReadJsonAsync(fetched, cancellationToken);
        Assert.Equal("My Document", memory.RootElement.GetProperty("data").GetProperty("title").GetString());

        using var searched = await client.PostAsync("/memory/search", Json(SearchBody), cancellationToken)
            .WaitAsync(RequestTimeout, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, searched.StatusCode);
        using var results = await ReadJsonAsync(searched, cancellationToken);
        var hit = JsonSearch.FindObjectWith(results.RootElement, "key", "doc1");
        Assert.True(hit.HasValue, $"No hit with key doc1 in {results.RootElement}");
        Assert.Equal("My Document", hit.Value.GetProperty("data").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Dependencies_report_kv_and_vdb_healthy()
    {
        Assert.SkipWhen(fixture.SkipReason is not null, fixture.SkipReason ?? "");
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = fixture.App.CreateHttpClient("memory");

        using var response = await client.GetAsync("/dependencies", cancellationToken)
            .WaitAsync(RequestTimeout, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var dependencies = await ReadJsonAsync(response, cancellationToken);

        Assert.Equal("healthy", JsonSearch.StatusOf(dependencies.RootElement, "kv"), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("healthy", JsonSearch.StatusOf(dependencies.RootElement, "vdb"), StringComparer.OrdinalIgnoreCase);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken)
            .WaitAsync(RequestTimeout, cancellationToken);
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken)
            .WaitAsync(RequestTimeout, cancellationToken);
    }
}

/// <summary>The seed flows with the in-process engines: no container runtime needed.</summary>
public sealed class EmbeddedMemorySeedFlowTests(EmbeddedAppHostFixture fixture)
    : MemorySeedFlowTests<EmbeddedAppHostFixture>(fixture), IClassFixture<EmbeddedAppHostFixture>;

/// <summary>The seed flows against Redis and Qdrant containers; skipped without a container runtime.</summary>
public sealed class ContainerMemorySeedFlowTests(ContainerAppHostFixture fixture)
    : MemorySeedFlowTests<ContainerAppHostFixture>(fixture), IClassFixture<ContainerAppHostFixture>;
