using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Sage.Storage.Kv;

/// <summary>
/// The default KV backend: an in-process dictionary with Redis-identical glob semantics, lazy plus periodic expiry,
/// and entry-count and byte limits that fail with <see cref="StorageError.CapacityExceeded"/> instead of growing without bound.
/// Reads are lock-free; writes take one lock so conditions, batches and the byte count stay exact.
/// </summary>
public sealed class InMemoryKvStore : IKvStore, IDisposable
{
    // Per-entry bookkeeping cost on top of key and value, so the byte limit tracks real memory roughly.
    private const int EntryOverheadBytes = 96;

    private readonly ConcurrentDictionary<string, Slot> _entries = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();
    private readonly InMemoryKvStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private long _bytes;

    /// <summary>Creates a store with the given limits; <paramref name="time"/> is for tests.</summary>
    public InMemoryKvStore(IOptions<InMemoryKvStoreOptions> options, TimeProvider? time = null)
    {
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        _sweeper = _time.CreateTimer(_ => SweepExpired(), null, _options.ExpirySweepInterval, _options.ExpirySweepInterval);
    }

    /// <inheritdoc />
    public string Backend => "memory";

    /// <summary>Keys held now, expired ones not yet swept included.</summary>
    public int Count => _entries.Count;

    /// <summary>Approximate bytes held now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <inheritdoc />
    public ValueTask<KvEntry?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(key, NowTicks()));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KvEntry?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        var now = NowTicks();
        var result = new KvEntry?[keys.Count];
        for (var i = 0; i < keys.Count; i++)
            result[i] = Read(keys[i], now);
        return ValueTask.FromResult<IReadOnlyList<KvEntry?>>(result);
    }

    /// <inheritdoc />
    public ValueTask<KvWriteResult> SetAsync(string key, JsonElement value, KvSetOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KvSetOptions();
        var slot = CreateSlot(key, value, options.TimeToLive, "ttl");
        lock (_writeLock)
        {
            var now = NowTicks();
            var current = Live(key, now);
            if (options.OnlyIfAbsent && current is not null)
                return ValueTask.FromResult(KvWriteResult.PreconditionFailed);
            if (options.IfMatch is { } ifMatch && (current is null || !ETagMatches(ifMatch, current.ETag)))
                return ValueTask.FromResult(KvWriteResult.PreconditionFailed);
            if (options.IfNoneMatch is { } ifNoneMatch && current is not null && ETagMatches(ifNoneMatch, current.ETag))
                return ValueTask.FromResult(KvWriteResult.PreconditionFailed);

            EnsureCapacity(current is null ? 1 : 0, slot.Size - (current?.Size ?? 0));
            Store(key, slot);
        }
        return ValueTask.FromResult(KvWriteResult.Written(slot.ETag));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> SetManyAsync(IReadOnlyList<KvWrite> items, CancellationToken cancellationToken = default)
    {
        var slots = new Slot[items.Count];
        for (var i = 0; i < items.Count; i++)
            slots[i] = CreateSlot(items[i].Key, items[i].Value, items[i].TimeToLive, $"items[{i}].ttl");

        lock (_writeLock)
        {
            var now = NowTicks();
            // Later duplicates of a key win, as they would applied one by one; count each key once.
            var last = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < items.Count; i++)
                last[items[i].Key] = i;
            int newKeys = 0;
            long newBytes = 0;
            foreach (var (key, i) in last)
            {
                var current = Live(key, now);
                newKeys += current is null ? 1 : 0;
                newBytes += slots[i].Size - (current?.Size ?? 0);
            }
            EnsureCapacity(newKeys, newBytes);
            foreach (var (key, i) in last)
                Store(key, slots[i]);
        }
        return ValueTask.FromResult<IReadOnlyList<string>>(Array.ConvertAll(slots, s => s.ETag));
    }

    /// <inheritdoc />
    public ValueTask<KvDeleteOutcome> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        lock (_writeLock)
        {
            var current = Live(key, NowTicks());
            if (current is null)
                return ValueTask.FromResult(KvDeleteOutcome.NotFound);
            if (ifMatch is not null && !ETagMatches(ifMatch, current.ETag))
                return ValueTask.FromResult(KvDeleteOutcome.PreconditionFailed);
            Remove(key, current);
        }
        return ValueTask.FromResult(KvDeleteOutcome.Deleted);
    }

    /// <inheritdoc />
    public ValueTask<long> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        long deleted = 0;
        lock (_writeLock)
        {
            var now = NowTicks();
            foreach (var key in keys)
            {
                if (Live(key, now) is { } current)
                {
                    Remove(key, current);
                    deleted++;
                }
            }
        }
        return ValueTask.FromResult(deleted);
    }

    /// <inheritdoc />
    public ValueTask<KvScanPage> ScanAsync(string pattern, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        if (limit < 1)
            throw StorageException.Invalid("limit", "limit must be at least 1.");
        var after = DecodeCursor(cursor);
        var now = NowTicks();

        // Keys are returned in ordinal order; the cursor is the last key returned, so a scan survives concurrent writes
        // and returns every key that exists throughout it exactly once. The heap keeps the smallest limit+1 keys.
        var smallest = new PriorityQueue<string, string>(limit + 1, Comparer<string>.Create((a, b) => string.CompareOrdinal(b, a)));
        foreach (var (key, slot) in _entries)
        {
            if (slot.IsExpired(now) || (after is not null && string.CompareOrdinal(key, after) <= 0) || !RedisGlob.IsMatch(pattern, key))
                continue;
            if (smallest.Count <= limit)
                smallest.Enqueue(key, key);
            else if (string.CompareOrdinal(key, smallest.Peek()) < 0)
                smallest.EnqueueDequeue(key, key);
        }

        var more = smallest.Count > limit;
        if (more)
            smallest.Dequeue();
        var keys = new string[smallest.Count];
        for (var i = keys.Length - 1; i >= 0; i--)
            keys[i] = smallest.Dequeue();
        return ValueTask.FromResult(new KvScanPage(keys, more ? EncodeCursor(keys[^1]) : null));
    }

    /// <inheritdoc />
    public ValueTask<long> DeleteByPatternAsync(string pattern, CancellationToken cancellationToken = default)
    {
        long deleted = 0;
        lock (_writeLock)
        {
            var now = NowTicks();
            foreach (var (key, slot) in _entries)
            {
                if (!RedisGlob.IsMatch(pattern, key))
                    continue;
                Remove(key, slot);
                deleted += slot.IsExpired(now) ? 0 : 1;
            }
        }
        return ValueTask.FromResult(deleted);
    }

    /// <inheritdoc />
    public ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(TimeSpan.Zero);

    /// <inheritdoc />
    public void Dispose() => _sweeper.Dispose();

    private KvEntry? Read(string key, long now)
    {
        if (!_entries.TryGetValue(key, out var slot))
            return null;
        if (slot.IsExpired(now))
        {
            lock (_writeLock)
            {
                if (_entries.TryGetValue(key, out var again) && ReferenceEquals(again, slot))
                    Remove(key, slot);
            }
            return null;
        }
        return new KvEntry(key, slot.Value, slot.ETag, slot.TimeToLive(now));
    }

    private Slot? Live(string key, long now) =>
        _entries.TryGetValue(key, out var slot) && !slot.IsExpired(now) ? slot : null;

    private Slot CreateSlot(string key, JsonElement value, TimeSpan? ttl, string ttlField)
    {
        if (string.IsNullOrEmpty(key))
            throw StorageException.Invalid("key", "key must not be empty.");
        if (TtlRules.Check(ttl) is { } problem)
            throw StorageException.Invalid(ttlField, $"ttl {problem}");
        var json = KvValue.Encode(value);
        var expiresAt = ttl is { } lifetime ? NowTicks() + lifetime.Ticks : long.MaxValue;
        var size = Encoding.UTF8.GetByteCount(key) + json.Length + EntryOverheadBytes;
        return new Slot(KvValue.Decode(json), size, KvValue.NewVersion(), expiresAt);
    }

    private void EnsureCapacity(int newKeys, long newBytes)
    {
        if (_entries.Count + newKeys > _options.MaxEntries)
        {
            SweepExpiredLocked();
            if (_entries.Count + newKeys > _options.MaxEntries)
                throw new StorageException(StorageError.CapacityExceeded,
                    $"The memory KV store is full: it holds at most {_options.MaxEntries} keys (Sage:Kv:Memory:MaxEntries).");
        }
        if (_bytes + newBytes > _options.MaxBytes)
        {
            SweepExpiredLocked();
            if (_bytes + newBytes > _options.MaxBytes)
                throw new StorageException(StorageError.CapacityExceeded,
                    $"The memory KV store is full: it holds at most {_options.MaxBytes} bytes (Sage:Kv:Memory:MaxBytes).");
        }
    }

    private void Store(string key, Slot slot)
    {
        if (_entries.TryGetValue(key, out var previous))
            _bytes -= previous.Size;
        _entries[key] = slot;
        _bytes += slot.Size;
    }

    private void Remove(string key, Slot slot)
    {
        if (_entries.TryRemove(new KeyValuePair<string, Slot>(key, slot)))
            _bytes -= slot.Size;
    }

    private void SweepExpired()
    {
        lock (_writeLock)
            SweepExpiredLocked();
    }

    private void SweepExpiredLocked()
    {
        var now = NowTicks();
        foreach (var (key, slot) in _entries)
        {
            if (slot.IsExpired(now))
                Remove(key, slot);
        }
    }

    private long NowTicks() => _time.GetUtcNow().UtcTicks;

    private static bool ETagMatches(string condition, string etag) =>
        condition == "*" || string.Equals(condition.Trim('"'), etag, StringComparison.OrdinalIgnoreCase);

    private static string EncodeCursor(string lastKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastKey));

    private static string? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor == "0")
            return null;
        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw StorageException.Invalid("cursor", "cursor is not one this store returned.");
        }
    }

    private sealed record Slot(JsonElement Value, int Size, string ETag, long ExpiresAtTicks)
    {
        public bool IsExpired(long now) => now >= ExpiresAtTicks;

        public TimeSpan? TimeToLive(long now) => ExpiresAtTicks == long.MaxValue ? null : TimeSpan.FromTicks(ExpiresAtTicks - now);
    }
}
