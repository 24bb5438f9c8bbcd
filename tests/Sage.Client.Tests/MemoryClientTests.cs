using System.Text.Json;
using Sage.Client.Memory;

namespace Sage.Client.Tests;

/// <summary>Every Memory route through <see cref="MemoryClient"/> against the real service (minimal mode: engines in-process).</summary>
public sealed class MemoryClientTests(MemoryClientTests.Host host) : IClassFixture<MemoryClientTests.Host>
{
    private readonly MemoryClient _memory = host.Service.CreateMemoryClient();
    private readonly string _session = "s-" + Guid.NewGuid().ToString("N")[..8];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public async Task Store_get_patch_and_delete_a_memory()
    {
        var key = "k-" + Guid.NewGuid().ToString("N");
        var stored = await _memory.StoreAsync(new StoreMemoryRequest(Json("""{"text":"hello"}"""), key, [1, 0, 0], Json("""{"lang":"en"}"""), _session), Ct);
        Assert.Equal(key, stored.Key);

        var got = await _memory.GetAsync(key, withVector: true, Ct);
        Assert.Equal("hello", got!.Data.GetProperty("text").GetString());
        Assert.Equal(_session, got.SessionId);
        Assert.NotNull(got.Vector);

        var patched = await _memory.UpdateAsync(key, new UpdateMemoryRequest(Data: Json("""{"text":"bye"}""")), Ct);
        Assert.Equal("bye", patched!.Data.GetProperty("text").GetString());
        Assert.Equal("en", patched.Metadata!.Value.GetProperty("lang").GetString());

        Assert.True(await _memory.DeleteAsync(key, Ct));
        Assert.False(await _memory.DeleteAsync(key, Ct));
        Assert.Null(await _memory.GetAsync(key, cancellationToken: Ct));
        Assert.Null(await _memory.UpdateAsync(key, new UpdateMemoryRequest(Data: Json("1")), Ct));
    }

    [Fact]
    public async Task Search_finds_the_nearest_memories_of_a_session()
    {
        await _memory.StoreAsync(new StoreMemoryRequest(Json("\"east\""), Vector: [1, 0, 0], SessionId: _session), Ct);
        await _memory.StoreAsync(new StoreMemoryRequest(Json("\"north\""), Vector: [0, 1, 0], SessionId: _session), Ct);

        var hits = await _memory.SearchAsync(new SearchMemoriesRequest([1, 0.1f, 0], TopK: 1, IncludeData: true, SessionId: _session), Ct);

        Assert.Equal("east", Assert.Single(hits.Results).Data!.Value.GetString());
    }

    [Fact]
    public async Task Sessions_list_in_pages_and_delete_as_a_whole()
    {
        for (var i = 0; i < 3; i++)
            await _memory.StoreAsync(new StoreMemoryRequest(Json(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Vector: [1, i, 0], SessionId: _session), Ct);

        var first = await _memory.ListSessionAsync(_session, limit: 2, withVectors: true, cancellationToken: Ct);
        Assert.Equal(2, first.Memories.Count);
        Assert.All(first.Memories, m => Assert.NotNull(m.Vector));
        var second = await _memory.ListSessionAsync(_session, limit: 2, cursor: first.NextCursor, cancellationToken: Ct);
        Assert.Single(second.Memories);

        var window = await _memory.ListSessionAsync(_session, since: DateTimeOffset.UtcNow.AddMinutes(-5), until: DateTimeOffset.UtcNow.AddMinutes(5), cancellationToken: Ct);
        Assert.Equal(3, window.Memories.Count);

        Assert.Equal(3, (await _memory.DeleteSessionAsync(_session, Ct)).Deleted);
        Assert.Empty((await _memory.ListSessionAsync(_session, cancellationToken: Ct)).Memories);
    }

    [Fact]
    public async Task List_pages_through_every_memory_and_filters_by_session_and_type()
    {
        var keys = new List<string>();
        for (var i = 0; i < 3; i++)
            keys.Add((await _memory.StoreAsync(new StoreMemoryRequest(Json("1"), Vector: [1, i, 0], SessionId: _session, MemoryType: i == 0 ? "fact" : null), Ct)).Key);

        var listed = new List<MemoryRecord>();
        var page = await _memory.ListAsync(limit: 2, sessionId: _session, withVectors: true, cancellationToken: Ct);
        listed.AddRange(page.Memories);
        while (page.NextCursor is { } cursor)
        {
            page = await _memory.ListAsync(limit: 2, cursor: cursor, sessionId: _session, withVectors: true, cancellationToken: Ct);
            Assert.InRange(page.Memories.Count, 0, 2);
            listed.AddRange(page.Memories);
        }

        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.Select(m => m.Key).Distinct().Order(StringComparer.Ordinal));
        Assert.All(listed, m => Assert.NotNull(m.Vector));
        Assert.Equal(keys[0], Assert.Single((await _memory.ListAsync(sessionId: _session, memoryType: "fact", cancellationToken: Ct)).Memories).Key);
        var error = await Assert.ThrowsAsync<SageApiException>(() => _memory.ListAsync(cursor: "not-a-cursor", cancellationToken: Ct));
        Assert.Contains("cursor", error.Errors.Keys);
    }

    [Fact]
    public async Task Dependencies_and_health_answer()
    {
        var dependencies = await _memory.GetDependenciesAsync(Ct);
        Assert.Equal("kv", dependencies.Kv.Name);
        Assert.Equal("vdb", dependencies.Vdb.Name);
        // Memory is not ready until its local embedding model has loaded, a few seconds after start.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await _memory.GetHealthAsync(Ct)).IsHealthy && DateTime.UtcNow < deadline)
            await Task.Delay(100, Ct);
        Assert.True((await _memory.GetHealthAsync(Ct)).IsHealthy);
    }

    [Fact]
    public async Task Reconcile_reports_a_run_that_dependencies_then_show()
    {
        await _memory.StoreAsync(new StoreMemoryRequest(Json("1"), Vector: [1, 1, 0], SessionId: _session), Ct);

        var report = await _memory.ReconcileAsync(Ct);

        Assert.Equal(0, report.Found.Total);
        Assert.True(report.PointsScanned >= 1 && report.RecordsScanned >= 1, $"{report}");
        var reconciler = (await _memory.GetDependenciesAsync(Ct)).Reconciler;
        Assert.Equal(report.StartedAt, reconciler!.LastRun!.StartedAt);
        Assert.Equal(0, reconciler.FixedSinceStart.Total);
    }

    [Fact]
    public async Task A_bad_memory_is_a_400_naming_the_field()
    {
        var error = await Assert.ThrowsAsync<SageApiException>(() =>
            _memory.StoreAsync(new StoreMemoryRequest(Json("1"), Metadata: Json("[1]")), Ct));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("metadata", error.Errors.Keys);
    }

    public sealed class Host : IAsyncDisposable
    {
        public MemoryServiceFactory Service { get; } = new();

        public ValueTask DisposeAsync() => Service.DisposeAsync();
    }
}
