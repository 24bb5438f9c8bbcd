using System.Text.Json;
using Sage.Client.Memory;

namespace Sage.Memory.Memories;

/// <summary>
/// A memory as kept in KV under <c>mem:{key}</c>: everything but the vector, which lives only in VDB. <see cref="Version"/> is
/// a new id on every write (a time-ordered UUIDv7, 32 hex digits), also carried by the vector's point metadata: a point
/// whose version differs from its record's is left over from another write and is not shown (null: stored before versions).
/// <see cref="Text"/> is the text it was stored with, <see cref="Model"/> the embedding model that made its vector from that
/// text (null when the caller sent the vector), so a change of model can be found.
/// </summary>
public sealed record StoredMemory(
    string Key,
    JsonElement Data,
    JsonElement? Metadata,
    string? SessionId,
    string MemoryType,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ExpiresAt,
    bool HasVector,
    string? Version = null,
    string? Text = null,
    string? Model = null)
{
    /// <summary>True once <see cref="ExpiresAt"/> has passed; such a memory is never shown, whatever KV still holds.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expires && expires <= now;

    /// <summary>The lifetime left for KV's own TTL; null for none.</summary>
    public TimeSpan? TimeToLiveAt(DateTimeOffset now) => ExpiresAt is { } expires ? expires - now : null;

    /// <summary>The wire record, with the vector when the caller has it.</summary>
    public MemoryRecord ToRecord(float[]? vector = null) =>
        new(Key, Data, vector, Metadata, SessionId, MemoryType, CreatedAt, UpdatedAt, ExpiresAt, Text, Model);
}
