using System.Net;
using System.Text;
using System.Text.Json;

namespace Sage.Memory.Tests;

/// <summary>With <c>Sage:ApiKey</c> set, Memory authenticates to KV and VDB, and says so in its health when they refuse it.</summary>
public sealed class ApiKeyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_one_key_everywhere_memory_stores_and_reads_through_kv_and_vdb()
    {
        await using var stack = new StandardStack("k3y", "k3y");
        await stack.InitializeAsync();
        stack.Client.DefaultRequestHeaders.Add("X-Api-Key", "k3y");

        var stored = await stack.Client.PostAsync("/memory", Json("""{"key":"keyed","data":{"a":1},"vector":[0.1,0.2,0.3]}"""), Ct);
        var read = await stack.Client.GetAsync("/memory/keyed", Ct);
        var health = await stack.Client.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Dependencies_refusing_memorys_key_make_its_health_unhealthy_naming_the_reason()
    {
        await using var stack = new StandardStack("right", "wrong");
        await stack.InitializeAsync();

        var health = await stack.Client.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Unhealthy", report.RootElement.GetProperty("status").GetString());
        foreach (var dependency in new[] { "kv", "vdb" })
        {
            var check = report.RootElement.GetProperty("checks").GetProperty(dependency);
            Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
            Assert.Contains("refused this service's credentials", check.GetProperty("description").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dependencies_refusing_memorys_key_are_reported_unhealthy_by_the_dependencies_route()
    {
        await using var stack = new StandardStack("right", "wrong");
        await stack.InitializeAsync();
        stack.Client.DefaultRequestHeaders.Add("X-Api-Key", "wrong");

        using var report = JsonDocument.Parse(await stack.Client.GetStringAsync("/dependencies", Ct));

        foreach (var dependency in new[] { "kv", "vdb" })
        {
            var status = report.RootElement.GetProperty(dependency);
            Assert.Equal("unhealthy", status.GetProperty("status").GetString());
            Assert.Contains("refused this service's credentials", status.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
