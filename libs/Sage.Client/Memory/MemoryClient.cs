using System.Globalization;

namespace Sage.Client.Memory;

/// <summary>
/// Typed client for the Memory service: store, get, list, patch, delete and search memories, list and delete sessions, and the
/// service's view of its dependencies. Errors surface as <see cref="SageApiException"/>; a missing key on a single-memory read,
/// patch or delete is null / false instead.
/// </summary>
/// <param name="http">An HttpClient whose base address is the Memory service (e.g. <c>https+http://memory</c> with service discovery).</param>
public sealed class MemoryClient(HttpClient http)
{
    /// <summary>The HttpClient this client sends through.</summary>
    public HttpClient HttpClient { get; } = http ?? throw new ArgumentNullException(nameof(http));

    /// <summary><c>POST /memory</c>: stores a memory (an existing key is replaced; no key, a generated one); the memory as stored.</summary>
    public Task<MemoryRecord> StoreAsync(StoreMemoryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SageHttp.SendAsync<MemoryRecord>(HttpClient, SageHttp.Request(HttpMethod.Post, "memory", request), cancellationToken);
    }

    /// <summary><c>GET /memory/{key}</c>: the memory (with its vector when <paramref name="withVector"/>); null when there is none.</summary>
    public Task<MemoryRecord?> GetAsync(string key, bool withVector = false, CancellationToken cancellationToken = default) =>
        SageHttp.SendOrNullAsync<MemoryRecord>(HttpClient,
            SageHttp.Request(HttpMethod.Get, Memory(key) + SageHttp.Query(("with_vector", withVector ? "true" : null))), cancellationToken);

    /// <summary><c>PATCH /memory/{key}</c>: replaces the given parts; the memory as it now is, or null when there is none.</summary>
    public Task<MemoryRecord?> UpdateAsync(string key, UpdateMemoryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SageHttp.SendOrNullAsync<MemoryRecord>(HttpClient, SageHttp.Request(HttpMethod.Patch, Memory(key), request), cancellationToken);
    }

    /// <summary><c>DELETE /memory/{key}</c>: true when deleted, false when there was no such memory.</summary>
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        SageHttp.SendFoundAsync(HttpClient, SageHttp.Request(HttpMethod.Delete, Memory(key)), cancellationToken);

    /// <summary><c>POST /memory/search</c>: the nearest memories, best first. Read-only, so marked retryable.</summary>
    public Task<SearchMemoriesResponse> SearchAsync(SearchMemoriesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SageHttp.SendAsync<SearchMemoriesResponse>(HttpClient,
            SageHttp.Request(HttpMethod.Post, "memory/search", request, idempotent: true), cancellationToken);
    }

    /// <summary>
    /// <c>GET /memory</c>: one page of every live memory, of session <paramref name="sessionId"/> and type <paramref name="memoryType"/>
    /// when given, in no particular order. A page may be short, even empty: pass <see cref="ListMemoriesResponse.NextCursor"/> back
    /// as <paramref name="cursor"/> until it is null; every memory that exists for the whole listing is returned at least once.
    /// </summary>
    public Task<ListMemoriesResponse> ListAsync(int? limit = null, string? cursor = null, string? sessionId = null, string? memoryType = null,
        bool withVectors = false, CancellationToken cancellationToken = default) =>
        SageHttp.SendAsync<ListMemoriesResponse>(HttpClient, SageHttp.Request(HttpMethod.Get, "memory" + SageHttp.Query(
                ("limit", limit?.ToString(CultureInfo.InvariantCulture)),
                ("cursor", cursor),
                ("session_id", sessionId),
                ("memory_type", memoryType),
                ("with_vectors", withVectors ? "true" : null))),
            cancellationToken);

    /// <summary>
    /// <c>GET /sessions/{session_id}/memories</c>: one page of a session's memories in time order, created in
    /// [<paramref name="since"/>, <paramref name="until"/>] when given. Pass <see cref="SessionMemoriesResponse.NextCursor"/> back as
    /// <paramref name="cursor"/> until it is null.
    /// </summary>
    public Task<SessionMemoriesResponse> ListSessionAsync(string sessionId, int? limit = null, string? cursor = null,
        DateTimeOffset? since = null, DateTimeOffset? until = null, bool withVectors = false, CancellationToken cancellationToken = default) =>
        SageHttp.SendAsync<SessionMemoriesResponse>(HttpClient, SageHttp.Request(HttpMethod.Get, Session(sessionId) + "/memories" + SageHttp.Query(
                ("limit", limit?.ToString(CultureInfo.InvariantCulture)),
                ("cursor", cursor),
                ("since", since?.ToString("O", CultureInfo.InvariantCulture)),
                ("until", until?.ToString("O", CultureInfo.InvariantCulture)),
                ("with_vectors", withVectors ? "true" : null))),
            cancellationToken);

    /// <summary><c>DELETE /sessions/{session_id}</c>: deletes every memory of the session; how many there were.</summary>
    public Task<DeleteSessionResponse> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SageHttp.SendAsync<DeleteSessionResponse>(HttpClient, SageHttp.Request(HttpMethod.Delete, Session(sessionId)), cancellationToken);

    /// <summary><c>POST /memory/reconcile</c>: runs the reconciler now; what it found out of step and what it fixed.</summary>
    public Task<ReconcileResponse> ReconcileAsync(CancellationToken cancellationToken = default) =>
        SageHttp.SendAsync<ReconcileResponse>(HttpClient, SageHttp.Request(HttpMethod.Post, "memory/reconcile", idempotent: true), cancellationToken);

    /// <summary><c>GET /dependencies</c>: the mode and how KV and VDB look from the Memory service now.</summary>
    public Task<DependenciesResponse> GetDependenciesAsync(CancellationToken cancellationToken = default) =>
        SageHttp.SendAsync<DependenciesResponse>(HttpClient, SageHttp.Request(HttpMethod.Get, "dependencies"), cancellationToken);

    /// <summary><c>GET /health</c>: the service's checks (an unhealthy report is returned, not thrown).</summary>
    public Task<ServiceHealth> GetHealthAsync(CancellationToken cancellationToken = default) => ServiceHealth.GetAsync(HttpClient, cancellationToken);

    private static string Memory(string key) => "memory/" + SageHttp.Segment(key, nameof(key));

    private static string Session(string sessionId) => "sessions/" + SageHttp.Segment(sessionId, nameof(sessionId));
}
