using System.Text.Json;

namespace Sage.Client.Memory;

/// <summary>
/// A memory: caller-chosen (or generated) <paramref name="Key"/>, any JSON <paramref name="Data"/>, an optional vector for
/// similarity search, JSON object metadata, an optional session, a type (default <c>conversation</c>) and an optional expiry.
/// <paramref name="Text"/> is the text the memory was stored with, and <paramref name="Model"/> the embedding model that made
/// its vector from it (null when the caller sent the vector).
/// </summary>
public sealed record MemoryRecord(
    string Key,
    JsonElement Data,
    float[]? Vector,
    JsonElement? Metadata,
    string? SessionId,
    string MemoryType,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ExpiresAt = null,
    string? Text = null,
    string? Model = null);

/// <summary>
/// <c>POST /memory</c>: store (or replace, for an existing key) a memory. Without a key the service generates a UUID. With
/// <paramref name="Text"/> and no vector, the service embeds the text; <paramref name="Data"/> may then be left out (null).
/// </summary>
public sealed record StoreMemoryRequest(
    JsonElement Data,
    string? Key = null,
    float[]? Vector = null,
    JsonElement? Metadata = null,
    string? SessionId = null,
    string? MemoryType = null,
    long? Ttl = null,
    string? Text = null)
{
    /// <summary>A memory that is its text: the service embeds it, and its data is null.</summary>
    public static StoreMemoryRequest ForText(string text, string? key = null, JsonElement? metadata = null, string? sessionId = null,
        string? memoryType = null, long? ttl = null) =>
        new(NoData, key, null, metadata, sessionId, memoryType, ttl, text);

    private static readonly JsonElement NoData = JsonDocument.Parse("null").RootElement.Clone();
}

/// <summary><c>PATCH /memory/{key}</c>: replace the given parts; absent parts stay as they are. A new text without a vector is re-embedded.</summary>
public sealed record UpdateMemoryRequest(
    JsonElement? Data = null,
    float[]? Vector = null,
    JsonElement? Metadata = null,
    long? Ttl = null,
    string? Text = null);

/// <summary>
/// <c>POST /memory/search</c>: nearest memories to <paramref name="Vector"/>, or to the embedding of the text
/// <paramref name="Query"/> (one of the two, not both), filtered before ranking.
/// </summary>
public sealed record SearchMemoriesRequest(
    float[]? Vector,
    int? TopK = null,
    bool? IncludeData = null,
    string? SessionId = null,
    string? MemoryType = null,
    JsonElement? Filter = null,
    float? ScoreThreshold = null,
    string? Query = null);

/// <summary>One search hit; <paramref name="Data"/> only when <c>include_data</c> was asked; <paramref name="Text"/> when it was stored with text.</summary>
public sealed record MemoryHit(
    string Key,
    float Score,
    JsonElement? Metadata,
    string? SessionId,
    string? MemoryType,
    JsonElement? Data = null,
    string? Text = null);

/// <summary>Hits, best first.</summary>
public sealed record SearchMemoriesResponse(IReadOnlyList<MemoryHit> Results);

/// <summary><c>GET /memory</c>: one page of every live memory (of one session and/or type when asked), in no particular order.</summary>
/// <param name="Memories">At most <c>limit</c> memories; fewer, even none, does not mean the end.</param>
/// <param name="NextCursor">Pass back as <c>cursor</c> for the next page; null when the listing is complete.</param>
public sealed record ListMemoriesResponse(IReadOnlyList<MemoryRecord> Memories, string? NextCursor);

/// <summary><c>GET /sessions/{session_id}/memories</c>: a session's memories in time order, a page at a time.</summary>
public sealed record SessionMemoriesResponse(string SessionId, IReadOnlyList<MemoryRecord> Memories, string? NextCursor);

/// <summary><c>DELETE /sessions/{session_id}</c>: how many memories were removed.</summary>
public sealed record DeleteSessionResponse(string SessionId, long Deleted);

/// <summary>One dependency of the Memory service as it sees it now.</summary>
/// <param name="Name"><c>kv</c> or <c>vdb</c>.</param>
/// <param name="Location">Where it is: a URL in <c>standard</c> mode, <c>in-process</c> in <c>embedded</c> mode.</param>
/// <param name="Status"><c>healthy</c> or <c>unhealthy</c>.</param>
/// <param name="LatencyMs">Round trip of the probe, when it answered.</param>
/// <param name="Backend">The dependency's own backend (<c>memory</c>, <c>redis</c>, <c>embedded</c>, <c>qdrant</c>), when known.</param>
/// <param name="Error">Why it is unhealthy.</param>
public sealed record DependencyStatus(string Name, string Location, string Status, double? LatencyMs = null, string? Backend = null, string? Error = null);

/// <summary><c>GET /dependencies</c>; <paramref name="Reconciler"/> says what the reconciler has done since the service started.</summary>
public sealed record DependenciesResponse(string Mode, DependencyStatus Kv, DependencyStatus Vdb, ReconcilerStatus? Reconciler = null);

/// <summary>
/// Counts of memories whose vector and data were out of step, by kind: a vector whose record is gone
/// (<c>vector_without_data</c>), a vector left over from another write of its key (<c>stale_vector</c>), and a record whose
/// vector is gone (<c>data_without_vector</c>).
/// </summary>
public sealed record ReconcileCounts(long VectorWithoutData, long StaleVector, long DataWithoutVector)
{
    public long Total => VectorWithoutData + StaleVector + DataWithoutVector;
}

/// <summary>One memory a reconcile run found out of step: its key, the kind (as in <see cref="ReconcileCounts"/>) and whether it was fixed.</summary>
public sealed record ReconciledMemory(string Key, string Kind, bool Fixed);

/// <summary>
/// <c>POST /memory/reconcile</c>: one run over every vector and record. <paramref name="Recent"/> counts mismatches younger than
/// the grace period, left alone because a write may be in progress; <paramref name="Memories"/> names at most 100 of those found.
/// </summary>
public sealed record ReconcileResponse(
    DateTimeOffset StartedAt,
    double DurationMs,
    long PointsScanned,
    long RecordsScanned,
    ReconcileCounts Found,
    ReconcileCounts Fixed,
    long Recent,
    IReadOnlyList<ReconciledMemory> Memories,
    bool MemoriesTruncated);

/// <summary>The reconciler in <c>GET /dependencies</c>: its last run (null before the first) and what it has fixed since start.</summary>
public sealed record ReconcilerStatus(ReconcileResponse? LastRun, ReconcileCounts FixedSinceStart);
