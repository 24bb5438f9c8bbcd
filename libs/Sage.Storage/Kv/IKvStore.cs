using System.Text.Json;

namespace Sage.Storage.Kv;

/// <summary>
/// A key-value store of JSON values with per-key TTL, glob scans and ETag compare-and-set.
/// Implementations: <see cref="InMemoryKvStore"/> (default) and <c>RedisKvStore</c>.
/// Expected failures are <see cref="StorageException"/>s; precondition failures are results, not exceptions.
/// </summary>
public interface IKvStore
{
    /// <summary>Short backend name for health and logs: <c>memory</c> or <c>redis</c>.</summary>
    string Backend { get; }

    /// <summary>The entry, or null when the key is missing or expired.</summary>
    ValueTask<KvEntry?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Entries for <paramref name="keys"/>, aligned with them (null where missing).</summary>
    ValueTask<IReadOnlyList<KvEntry?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a value. With <see cref="KvSetOptions.IfMatch"/> it writes only when the current ETag matches;
    /// with <see cref="KvSetOptions.OnlyIfAbsent"/> only when the key does not exist; with <see cref="KvSetOptions.IfNoneMatch"/> only
    /// when the current ETag differs. Atomic on every backend. A lifetime outside <see cref="TtlRules"/> is <see cref="StorageError.Invalid"/>.
    /// </summary>
    ValueTask<KvWriteResult> SetAsync(string key, JsonElement value, KvSetOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes every item or none of them (no conditions); on a Redis Cluster, every item of one hash slot or none of them.
    /// Every item is checked before anything is written. Returns the new ETags, aligned with <paramref name="items"/>.
    /// </summary>
    ValueTask<IReadOnlyList<string>> SetManyAsync(IReadOnlyList<KvWrite> items, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key, only when its ETag matches <paramref name="ifMatch"/> if one is given.</summary>
    ValueTask<KvDeleteOutcome> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes the given keys; returns how many existed.</summary>
    ValueTask<long> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of keys matching a Redis glob <paramref name="pattern"/>. Pass the returned
    /// <see cref="KvScanPage.NextCursor"/> back to continue; null means the scan is complete.
    /// A page holds at most <paramref name="limit"/> keys (possibly fewer, even none, before the end).
    /// Every key that exists for the whole scan is returned at least once.
    /// </summary>
    ValueTask<KvScanPage> ScanAsync(string pattern, string? cursor, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes every key matching <paramref name="pattern"/>; returns how many were deleted.</summary>
    ValueTask<long> DeleteByPatternAsync(string pattern, CancellationToken cancellationToken = default);

    /// <summary>Round trip to the backend; throws <see cref="StorageException"/> (Unavailable) when it is down.</summary>
    ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// A stored value, its ETag and its remaining lifetime (null: none). The ETag is a version: every write gives a new one, also when it
/// writes a value the key held before, so a compare-and-set made with an old ETag never succeeds.
/// </summary>
public sealed record KvEntry(string Key, JsonElement Value, string ETag, TimeSpan? TimeToLive);

/// <summary>One item of a batch write.</summary>
public readonly record struct KvWrite(string Key, JsonElement Value, TimeSpan? TimeToLive = null);

/// <summary>Conditions and lifetime of a single write.</summary>
public sealed record KvSetOptions
{
    /// <summary>Lifetime of the value; null keeps it forever. Must be positive.</summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>Write only when the current ETag equals this one (and the key exists).</summary>
    public string? IfMatch { get; init; }

    /// <summary>Write only when the key does not exist (<c>If-None-Match: *</c>).</summary>
    public bool OnlyIfAbsent { get; init; }

    /// <summary>Write only when the key is missing or its current ETag differs from this one (<c>If-None-Match: "etag"</c>).</summary>
    public string? IfNoneMatch { get; init; }
}

/// <summary>The outcome of a write: applied with the new ETag, or refused because a condition did not hold.</summary>
public readonly record struct KvWriteResult(bool Applied, string? ETag)
{
    public static KvWriteResult Written(string etag) => new(true, etag);
    public static KvWriteResult PreconditionFailed => new(false, null);
}

/// <summary>The outcome of a delete.</summary>
public enum KvDeleteOutcome
{
    Deleted,
    NotFound,
    PreconditionFailed,
}

/// <summary>One page of a key scan.</summary>
public sealed record KvScanPage(IReadOnlyList<string> Keys, string? NextCursor);
