using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Sage.Storage.Kv;

/// <summary>
/// The default KV backend: an in-process dictionary with Redis-identical glob semantics, lazy plus periodic expiry,
/// and entry-count and byte limits that fail with <see cref="StorageError.CapacityExceeded"/> instead of growing without bound.
/// Reads are lock-free; writes take one lock so conditions, batches and the byte count stay exact.
/// With <see cref="InMemoryKvStoreOptions.PersistDirectory"/> every write is also committed to a SQLite journal before it is
/// acknowledged (and before the dictionary changes, so a failed commit changes nothing), and the journal is loaded at start.
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
    private readonly SqliteKvJournal? _journal;
    private long _bytes;
    private bool _disposed;

    /// <summary>Creates a store with the given limits; <paramref name="time"/> is for tests.</summary>
    public InMemoryKvStore(IOptions<InMemoryKvStoreOptions> options, TimeProvider? time = null)
    {
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        if (!string.IsNullOrWhiteSpace(_options.PersistDirectory))
        {
            _journal = OpenJournal(_options.PersistDirectory);
            foreach (var row in _journal.LoadLive(NowTicks()))
                Store(row.Key, new Slot(KvValue.Decode(row.Json), SizeOf(row.Key, row.Json), row.ETag, row.ExpiresAtTicks));
        }
        _sweeper = _time.CreateTimer(_ => SweepExpired(), null, _options.ExpirySweepInterval, _options.ExpirySweepInterval);
    }

    /// <inheritdoc />
    public string Backend => "memory";

    /// <summary>The journal's database file when writes are durable; null when everything is lost at exit.</summary>
    public string? DatabasePath => _journal?.DatabasePath;

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
        var (slot, json) = CreateSlot(key, value, options.TimeToLive, "ttl");
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
            Journal(j => j.Put([new SqliteKvJournal.Row(key, json, slot.ETag, slot.ExpiresAtTicks)]));
            Store(key, slot);
        }
        return ValueTask.FromResult(KvWriteResult.Written(slot.ETag));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> SetManyAsync(IReadOnlyList<KvWrite> items, CancellationToken cancellationToken = default)
    {
        var slots = new Slot[items.Count];
        var texts = new byte[items.Count][];
        for (var i = 0; i < items.Count; i++)
            (slots[i], texts[i]) = CreateSlot(items[i].Key, items[i].Value, items[i].TimeToLive, $"items[{i}].ttl");

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
            Journal(j => j.Put(last.Select(pair => new SqliteKvJournal.Row(pair.Key, texts[pair.Value], slots[pair.Value].ETag, slots[pair.Value].ExpiresAtTicks)).ToList()));
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
            Journal(j => j.Delete([key]));
            Remove(key, current);
        }
        return ValueTask.FromResult(KvDeleteOutcome.Deleted);
    }

    /// <inheritdoc />
    public ValueTask<long> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        lock (_writeLock)
        {
            var now = NowTicks();
            var doomed = new Dictionary<string, Slot>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                if (Live(key, now) is { } current)
                    doomed[key] = current;
            }
            return ValueTask.FromResult(RemoveAll(doomed, now));
        }
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
        lock (_writeLock)
        {
            var doomed = new Dictionary<string, Slot>(StringComparer.Ordinal);
            foreach (var (key, slot) in _entries)
            {
                if (RedisGlob.IsMatch(pattern, key))
                    doomed[key] = slot;
            }
            return ValueTask.FromResult(RemoveAll(doomed, NowTicks()));
        }
    }

    /// <inheritdoc />
    public ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(TimeSpan.Zero);

    /// <inheritdoc />
    public void Dispose()
    {
        _sweeper.Dispose();
        lock (_writeLock)
        {
            _disposed = true;
            _journal?.Dispose();
        }
    }

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

    private (Slot Slot, byte[] Json) CreateSlot(string key, JsonElement value, TimeSpan? ttl, string ttlField)
    {
        if (string.IsNullOrEmpty(key))
            throw StorageException.Invalid("key", "key must not be empty.");
        if (TtlRules.Check(ttl) is { } problem)
            throw StorageException.Invalid(ttlField, $"ttl {problem}");
        var json = KvValue.Encode(value);
        var expiresAt = ttl is { } lifetime ? NowTicks() + lifetime.Ticks : long.MaxValue;
        return (new Slot(KvValue.Decode(json), SizeOf(key, json), KvValue.NewVersion(), expiresAt), json);
    }

    private static int SizeOf(string key, byte[] json) => Encoding.UTF8.GetByteCount(key) + json.Length + EntryOverheadBytes;

    // Removes the given entries, journal first; returns how many were live (an expired one is gone already for a reader).
    private long RemoveAll(Dictionary<string, Slot> doomed, long now)
    {
        Journal(j => j.Delete(doomed.Keys));
        long live = 0;
        foreach (var (key, slot) in doomed)
        {
            Remove(key, slot);
            live += slot.IsExpired(now) ? 0 : 1;
        }
        return live;
    }

    // Called under the write lock, before the dictionary changes: a commit that fails leaves memory as it was.
    private void Journal(Action<SqliteKvJournal> write)
    {
        if (_journal is null)
            return;
        try
        {
            write(_journal);
        }
        catch (SqliteException ex)
        {
            throw StorageException.Unavailable($"The KV journal {_journal.DatabasePath} refused the write: {ex.Message}", ex);
        }
    }

    private static SqliteKvJournal OpenJournal(string directory)
    {
        try
        {
            return new SqliteKvJournal(directory);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"{InMemoryKvStoreOptions.PersistDirectoryKey} ({InMemoryKvStoreOptions.PersistDirectoryAlias}) '{directory}' cannot hold the KV journal: {ex.Message}", ex);
        }
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
        {
            // A tick already waiting for the lock when the store was disposed must not touch the closed journal.
            if (!_disposed)
                SweepExpiredLocked();
        }
    }

    private void SweepExpiredLocked()
    {
        var now = NowTicks();
        // Expired rows are never loaded, so this only keeps the file small; a failure here loses nothing.
        try
        {
            _journal?.DeleteExpired(now);
        }
        catch (SqliteException)
        {
        }
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
