using System.Globalization;
using System.Text.Json;
using Sage.Client;
using Sage.Storage.Kv;
using Sage.Storage.Vectors;

namespace Sage.Memory.Memories;

/// <summary>
/// Where a memory lives. KV, in its reserved <c>memory</c> namespace (<see cref="KvNamespaces"/>: stored keys start
/// <c>_sage/memory/</c>, which KV's public routes neither list nor delete): <c>mem:{key}</c> → <see cref="StoredMemory"/> JSON
/// (KV TTL = the memory's ttl), and for a memory with a session, the index entry
/// <c>sess:{session_id}:{created_at ticks, 19 digits}:{key}</c> → the key (same TTL), so a session lists in time order by
/// sorting its index keys (a scan is unordered) even for memories without vectors; the cursor is the last (created_at, key).
/// VDB: collection <c>Sage:Memory:Collection</c>, point id = key, metadata
/// <c>{"metadata": {user metadata}, "session_id", "memory_type", "created_at": unix ms, "expires_at": unix s, "version"}</c>, so
/// session, type and expiry filters run in VDB before ranking; user filter keys are rewritten under <c>metadata.</c>; the
/// version pairs a point with the record write it belongs to (see <see cref="StoredMemory.Version"/>).
/// </summary>
public static class MemoryLayout
{
    /// <summary>Longest memory key, leaving room in KV's 512-byte keys for the index prefix and a session id.</summary>
    public const int MaxKeyBytes = 256;

    /// <summary>Longest session id.</summary>
    public const int MaxSessionIdBytes = 128;

    /// <summary>Longest memory type.</summary>
    public const int MaxMemoryTypeBytes = 64;

    /// <summary>The type of a memory stored without one.</summary>
    public const string DefaultMemoryType = "conversation";

    // Store keys, as IKvStore sees them in-process; RemoteKvStore sends them to KV as the namespace and the key within it.
    private static readonly string RecordPrefix = KvNamespaces.StoreKey(KvNamespaces.Memory, "mem:");
    private static readonly string SessionPrefix = KvNamespaces.StoreKey(KvNamespaces.Memory, "sess:");
    private const int TicksDigits = 19;

    /// <summary>The glob matching every memory record (not the session index), for listing all memories.</summary>
    public static readonly string RecordPattern = RecordPrefix + "*";

    public static string RecordKey(string key) => RecordPrefix + key;

    public static string SessionEntryKey(string sessionId, DateTimeOffset createdAt, string key) =>
        $"{SessionPrefix}{sessionId}:{createdAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}:{key}";

    public static string? SessionEntryKey(StoredMemory memory) =>
        memory.SessionId is { } session ? SessionEntryKey(session, memory.CreatedAt, memory.Key) : null;

    /// <summary>The glob matching every index entry of <paramref name="sessionId"/>, its glob characters escaped.</summary>
    public static string SessionPattern(string sessionId) => $"{SessionPrefix}{RedisGlob.Escape(sessionId)}:*";

    /// <summary>Parses an index entry back into (created_at ticks, key); null for a key of another shape.</summary>
    public static SessionEntry? ParseSessionEntry(string sessionId, string entryKey)
    {
        var prefixLength = SessionPrefix.Length + sessionId.Length + 1;
        if (entryKey.Length < prefixLength + TicksDigits + 2 || entryKey[prefixLength + TicksDigits] != ':')
            return null;
        if (!long.TryParse(entryKey.AsSpan(prefixLength, TicksDigits), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
            return null;
        return new SessionEntry(entryKey, ticks, entryKey[(prefixLength + TicksDigits + 1)..]);
    }

    /// <summary>The KV writes that store <paramref name="memory"/>: its record and, with a session, its index entry.</summary>
    public static KvWrite[] KvWrites(StoredMemory memory, DateTimeOffset now)
    {
        var ttl = memory.TimeToLiveAt(now);
        var record = new KvWrite(RecordKey(memory.Key), JsonSerializer.SerializeToElement(memory, SageJson.Options), ttl);
        return SessionEntryKey(memory) is { } entry
            ? [record, new KvWrite(entry, JsonSerializer.SerializeToElement(memory.Key, SageJson.Options), ttl)]
            : [record];
    }

    public static StoredMemory? ReadRecord(KvEntry? entry) =>
        entry is null ? null : entry.Value.Deserialize<StoredMemory>(SageJson.Options);

    /// <summary>The VDB point metadata of <paramref name="memory"/>.</summary>
    public static JsonElement PointMetadata(StoredMemory memory)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("metadata");
            if (memory.Metadata is { ValueKind: JsonValueKind.Object } metadata)
                metadata.WriteTo(writer);
            else
                writer.WriteRawValue("{}");
            if (memory.SessionId is { } session)
                writer.WriteString("session_id", session);
            writer.WriteString("memory_type", memory.MemoryType);
            writer.WriteNumber("created_at", memory.CreatedAt.ToUnixTimeMilliseconds());
            if (memory.ExpiresAt is { } expires)
                writer.WriteNumber("expires_at", UnixSeconds(expires));
            if (memory.Version is { } version)
                writer.WriteString(VersionField, version);
            writer.WriteEndObject();
        }
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    /// <summary>The point metadata field holding the version of the record write the point belongs to.</summary>
    public const string VersionField = "version";

    /// <summary>A new version for a record write at <paramref name="now"/>: time-ordered, so its age can be read back.</summary>
    public static string NewVersion(DateTimeOffset now) => Guid.CreateVersion7(now).ToString("N");

    /// <summary>The version a point carries; null for a point stored before versions (or not by Memory).</summary>
    public static string? PointVersion(JsonElement? metadata) =>
        metadata is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty(VersionField, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>When a version was made (a UUIDv7's first 48 bits are unix milliseconds); null for a version of another shape.</summary>
    public static DateTimeOffset? VersionTime(string? version) =>
        version is { Length: 32 } && long.TryParse(version.AsSpan(0, 12), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;

    /// <summary>True when the point (by its metadata) belongs to the current write of <paramref name="memory"/>.</summary>
    public static bool IsPointOf(StoredMemory memory, JsonElement? pointMetadata) =>
        memory.HasVector && memory.Version == PointVersion(pointMetadata);

    /// <summary>Unix seconds with millisecond precision, the unit of <c>expires_at</c> in VDB.</summary>
    public static double UnixSeconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>Matches points whose <c>expires_at</c> has passed (points without one never match).</summary>
    public static FilterCondition ExpiredAt(DateTimeOffset now) => new RangeCondition("expires_at", Lte: UnixSeconds(now));

    /// <summary>Moves every key of a user filter under <c>metadata.</c>, where user metadata is stored.</summary>
    public static VectorFilter RewriteUserFilter(VectorFilter filter) =>
        new(Rewrite(filter.Must), Rewrite(filter.Should), Rewrite(filter.MustNot));

    private static IReadOnlyList<FilterCondition>? Rewrite(IReadOnlyList<FilterCondition>? conditions) =>
        conditions?.Select(Rewrite).ToArray();

    private static FilterCondition Rewrite(FilterCondition condition) => condition switch
    {
        MatchValueCondition c => c with { Key = "metadata." + c.Key },
        MatchAnyCondition c => c with { Key = "metadata." + c.Key },
        MatchExceptCondition c => c with { Key = "metadata." + c.Key },
        RangeCondition c => c with { Key = "metadata." + c.Key },
        IsEmptyCondition c => c with { Key = "metadata." + c.Key },
        NestedFilterCondition c => new NestedFilterCondition(RewriteUserFilter(c.Filter)),
        _ => condition,
    };
}

/// <summary>One session index entry: its KV key, the memory's created_at ticks and the memory key.</summary>
public sealed record SessionEntry(string EntryKey, long CreatedTicks, string Key);
