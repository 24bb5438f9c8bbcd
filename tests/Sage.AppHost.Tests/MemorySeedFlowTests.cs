using Microsoft.Extensions.Diagnostics.HealthChecks;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sage.AppHost.Tests;

/// <summary>
/// SAGE's seed flow (store, get, search, a session's list) sent to the Memory service of a running AppHost.
/// Each derived class runs it against one AppHost configuration.
/// </summary>
public abstract class MemorySeedFlowTests<TFixture>(TFixture fixture)
    where TFixture : AppHostFixture
{
    protected static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    protected TFixture Fixture { get; } = fixture;

    /// <summary>Stores a memory in a session and returns its key; keys are unique per test.</summary>
    protected async Task<string> StoreAsync(HttpClient client, string session, CancellationToken cancellationToken)
    {
        var key = $"doc-{Guid.NewGuid():N}";
        using var stored = await client.PostAsJsonAsync("/memory", new
        {
            key,
            data = new { title = "My Document" },
            vector = new[] { 0.1f, 0.2f, 0.3f },
            metadata = new { category = "test" },
            session_id = session,
        }, cancellationToken).WaitAsync(RequestTimeout, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        return key;
    }

    [Fact]
    public async Task Stored_memory_is_found_by_key_by_vector_search_and_in_its_session()
    {
        Assert.SkipWhen(Fixture.SkipReason is not null, Fixture.SkipReason ?? "");
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = Fixture.App.CreateHttpClient("memory");
        var session = $"s-{Guid.NewGuid():N}";
        var key = await StoreAsync(client, session, cancellationToken);

        using var fetched = await ReadJsonAsync(client.GetAsync($"/memory/{key}", cancellationToken), cancellationToken);
        Assert.Equal("My Document", fetched.RootElement.GetProperty("data").GetProperty("title").GetString());

        using var searched = await ReadJsonAsync(client.PostAsJsonAsync("/memory/search", new
        {
            vector = new[] { 0.1f, 0.2f, 0.3f },
            top_k = 5,
            include_data = true,
            session_id = session,
        }, cancellationToken), cancellationToken);
        var hit = JsonSearch.FindObjectWith(searched.RootElement, "key", key);
        Assert.True(hit.HasValue, $"No hit with key {key} in {searched.RootElement}");
        Assert.Equal("My Document", hit.Value.GetProperty("data").GetProperty("title").GetString());

        using var listed = await ReadJsonAsync(client.GetAsync($"/sessions/{session}/memories", cancellationToken), cancellationToken);
        Assert.True(JsonSearch.FindObjectWith(listed.RootElement, "key", key).HasValue, $"{key} is not in its session: {listed.RootElement}");
    }

    [Fact]
    public async Task Dependencies_report_kv_and_vdb_healthy()
    {
        Assert.SkipWhen(Fixture.SkipReason is not null, Fixture.SkipReason ?? "");
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = Fixture.App.CreateHttpClient("memory");

        using var dependencies = await ReadJsonAsync(client.GetAsync("/dependencies", cancellationToken), cancellationToken);

        Assert.Equal("healthy", JsonSearch.StatusOf(dependencies.RootElement, "kv"), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("healthy", JsonSearch.StatusOf(dependencies.RootElement, "vdb"), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Every_resource_is_healthy()
    {
        Assert.SkipWhen(Fixture.SkipReason is not null, Fixture.SkipReason ?? "");

        foreach (var resource in Fixture.Resources)
        {
            Assert.True(Fixture.App.ResourceNotifications.TryGetCurrentState(resource, out var state), $"{resource} has no state");
            Assert.Equal(HealthStatus.Healthy, state.Snapshot.HealthStatus);
        }
    }

    /// <summary>Awaits the response, asserts 200, and parses its JSON body.</summary>
    protected static async Task<JsonDocument> ReadJsonAsync(Task<HttpResponseMessage> request, CancellationToken cancellationToken)
    {
        using var response = await request.WaitAsync(RequestTimeout, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).WaitAsync(RequestTimeout, cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }
}

/// <summary>The seed flow with the in-process engines: no container runtime needed.</summary>
public sealed class EmbeddedMemorySeedFlowTests(EmbeddedAppHostFixture fixture)
    : MemorySeedFlowTests<EmbeddedAppHostFixture>(fixture), IClassFixture<EmbeddedAppHostFixture>
{
    [Fact]
    public async Task Kv_and_vdb_report_their_in_process_backends()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = Fixture.App.CreateHttpClient("memory");

        using var dependencies = await ReadJsonAsync(client.GetAsync("/dependencies", cancellationToken), cancellationToken);

        Assert.Equal("memory", dependencies.RootElement.GetProperty("kv").GetProperty("backend").GetString());
        Assert.Equal("embedded", dependencies.RootElement.GetProperty("vdb").GetProperty("backend").GetString());
    }

    [Theory]
    [InlineData("kv")]
    [InlineData("vdb")]
    [InlineData("memory")]
    public void Store_settings_in_the_apphosts_environment_do_not_reach_the_services(string service)
    {
        Assert.True(Fixture.App.ResourceNotifications.TryGetCurrentState(service, out var state), $"{service} has no state");
        var pid = state.Snapshot.Properties.Single(property => property.Name == "executable.pid").Value;
        var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0');

        foreach (var name in EmbeddedAppHostFixture.AmbientStoreSettings.Keys)
        {
            Assert.DoesNotContain(environment, variable => variable.StartsWith(name + "=", StringComparison.Ordinal));
        }
    }
}

/// <summary>The seed flow with KV on a redis-server the AppHost runs as an executable resource.</summary>
public sealed class RedisProcessMemorySeedFlowTests(RedisProcessAppHostFixture fixture)
    : MemorySeedFlowTests<RedisProcessAppHostFixture>(fixture), IClassFixture<RedisProcessAppHostFixture>
{
    [Fact]
    public async Task Stored_memory_is_really_in_the_redis_process()
    {
        Assert.SkipWhen(Fixture.SkipReason is not null, Fixture.SkipReason ?? "");
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = Fixture.App.CreateHttpClient("memory");
        var key = await StoreAsync(client, $"s-{Guid.NewGuid():N}", cancellationToken);

        var connectionString = await Fixture.App.GetConnectionStringAsync("redis", cancellationToken).AsTask().WaitAsync(RequestTimeout, cancellationToken);
        Assert.NotNull(connectionString);
        var keys = await RedisCli.RunAsync(connectionString, cancellationToken, "--scan", "--pattern", $"*{key}*");

        Assert.Contains(key, keys, StringComparison.Ordinal);
        using var dependencies = await ReadJsonAsync(client.GetAsync("/dependencies", cancellationToken), cancellationToken);
        Assert.Equal("redis", dependencies.RootElement.GetProperty("kv").GetProperty("backend").GetString());
    }
}

/// <summary>The seed flow against Redis and Qdrant containers; skipped without a container runtime.</summary>
public sealed class ContainerMemorySeedFlowTests(ContainerAppHostFixture fixture)
    : MemorySeedFlowTests<ContainerAppHostFixture>(fixture), IClassFixture<ContainerAppHostFixture>;
