using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Sage.Testing.Qdrant;

namespace Sage.Vdb.Tests;

/// <summary>The VDB service on its Qdrant backend: Qdrant.Client over gRPC to the stand-in Qdrant, as Aspire wires it.</summary>
public sealed class VdbQdrantBackendTests : IAsyncLifetime
{
    private QdrantStandIn _qdrant = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _qdrant = await QdrantStandIn.StartAsync("vdb-key", Ct);

    public async ValueTask DisposeAsync()
    {
        await _qdrant.DisposeAsync();
        _qdrant.AssertNoViolations();
    }

    private VdbServiceFactory Vdb(params (string Key, string? Value)[] settings) =>
        new(new Dictionary<string, string?>(settings.Select(s => KeyValuePair.Create(s.Key, s.Value)))
        {
            ["Sage:Vdb:Backend"] = "qdrant",
            ["ConnectionStrings:qdrant"] = _qdrant.ConnectionString,
        });

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Seed_flow_stores_and_finds_vectors_in_qdrant()
    {
        await using var factory = Vdb();
        using var client = factory.CreateClient();

        var stored = await client.PostAsync("/vectors", Json("""{"vectors":[{"id":"vec1","vector":[0.1,0.2,0.3],"metadata":{"type":"test"}}]}"""), Ct);
        Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync(Ct));
        var query = await client.PostAsync("/vectors/query", Json("""{"vector":[0.1,0.2,0.3],"top_k":10,"filter":{"must":[{"key":"type","match":{"value":"test"}}]}}"""), Ct);
        var body = await query.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        Assert.Contains("vec1", body);
        Assert.Contains(_qdrant.Calls, call => call.Method == "/qdrant.Points/Query" && call.ApiKeyHeader == "vdb-key");
    }

    [Fact]
    public async Task Health_includes_the_qdrant_client_check_and_the_backend()
    {
        await using var factory = Vdb();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/health", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Qdrant.Client", body);
        Assert.Contains("vdb-backend", body);
    }

    [Fact]
    public async Task MaxBatchPoints_applies_on_the_qdrant_backend_too()
    {
        await using var factory = Vdb(("Sage:Vdb:MaxBatchPoints", "2"));
        using var client = factory.CreateClient();

        var response = await client.PostAsync("/vectors", Json("""{"vectors":[{"id":"a","vector":[1]},{"id":"b","vector":[1]},{"id":"c","vector":[1]}]}"""), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_qdrant.Writes);
    }

    [Theory]
    [InlineData("ConnectionStrings:qdrant", "Endpoint=http://localhost:6334", "qdrant")]
    [InlineData("ConnectionStrings:qdrant_http", "Endpoint=http://localhost:6333", "embedded")]
    [InlineData("Unrelated", "x", "embedded")]
    public void The_grpc_connection_string_alone_selects_qdrant(string key, string value, string backend)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        Assert.Equal(backend, Extensions.Extensions.ResolveBackend(configuration));
    }

    [Fact]
    public void Qdrant_without_a_connection_string_names_the_setting_to_fix()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sage:Vdb:Backend"] = "qdrant" }).Build();
        var exception = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => Extensions.Extensions.ResolveBackend(configuration));
        Assert.Contains("ConnectionStrings__qdrant", exception.Message);
    }
}
