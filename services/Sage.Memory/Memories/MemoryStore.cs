using System.Text.Json;
using Microsoft.Extensions.Options;
using Sage.Client.Memory;
using Sage.Memory.Embeddings;
using Sage.ServiceDefaults.Http;
using Sage.Storage;
using Sage.Storage.Kv;
using Sage.Storage.Vectors;

namespace Sage.Memory.Memories;

/// <summary>
/// The one place that joins KV and VDB (see <see cref="MemoryLayout"/> for where things live). Writes go KV first, then VDB;
/// a failed VDB write is undone in KV (the previous record restored, or the new one deleted), so nothing already stored is
/// lost and a retry with the same key converges. Deletes go VDB first, then KV, so a vector never outlives its data for long.
/// <para>
/// Writes of one key never interleave: in this process they hold the key's lock (<see cref="MemoryKeyLocks"/>); across
/// replicas the record is written by KV compare-and-set against the ETag read, so a write based on a record another replica
/// has replaced starts over. Each record write carries a new <see cref="StoredMemory.Version"/>, also put on its point;
/// readers show a point only when its version is its record's, and <see cref="MemoryReconciler"/> removes the others.
/// </para>
/// </summary>
public sealed partial class MemoryStore(
    IKvStore kv,
    IVectorStore vectors,
    MemoryCleanupQueue cleanup,
    MemoryKeyLocks locks,
    MemoryMetrics metrics,
    MemoryEmbedder embedder,
    IOptions<MemoryOptions> options,
    TimeProvider time,
    ILogger<MemoryStore> logger)
{
    private readonly MemoryOptions _options = options.Value;
    private CollectionInfo? _collection;

    public string Collection => _options.Collection;

    public async Task<MemoryRecord> StoreAsync(StoreMemoryRequest request, CancellationToken cancellationToken)
    {
        var errors = new RequestValidation();
        if (request.Key is not null)
            MemoryValidation.Key(errors, request.Key);
        // With text, data may be left out (or null): the text is what the memory is.
        if (request.Text is null || request.Data.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            MemoryValidation.Data(errors, request.Data, _options.MaxDataBytes);
        MemoryEmbedder.ValidateText(errors, request.Text, "text");
        MemoryValidation.Vector(errors, request.Vector);
        MemoryValidation.Metadata(errors, request.Metadata);
        MemoryValidation.SessionId(errors, request.SessionId);
        MemoryValidation.MemoryType(errors, request.MemoryType);
        MemoryValidation.Ttl(errors, request.Ttl);
        errors.ThrowIfInvalid();

        // Embedded before anything is written, so a provider that fails leaves the store as it was.
        var embedded = await EmbedUnlessVectorAsync(request.Text, request.Vector, cancellationToken);
        var vector = request.Vector ?? embedded?.Vector;
        var key = request.Key ?? Guid.NewGuid().ToString();
        var data = request.Data.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? NullData : request.Data.Clone();
        var memory = await ReplaceAsync(key, vector, (previous, now) => new StoredMemory(key, data,
            ObjectOrNull(request.Metadata), request.SessionId, request.MemoryType ?? MemoryLayout.DefaultMemoryType,
            previous?.CreatedAt ?? now, now, request.Ttl is { } ttl ? now.AddSeconds(ttl) : null, vector is not null,
            MemoryLayout.NewVersion(now), request.Text, embedded?.Model), cancellationToken);
        // The vector is echoed only when the caller sent it: one made from text is for GET ?with_vector=true.
        return memory!.ToRecord(request.Vector);
    }

    public async Task<MemoryRecord?> UpdateAsync(string key, UpdateMemoryRequest request, CancellationToken cancellationToken)
    {
        var errors = new RequestValidation();
        MemoryValidation.Key(errors, key);
        MemoryValidation.Data(errors, request.Data, _options.MaxDataBytes, required: false);
        MemoryValidation.Vector(errors, request.Vector);
        MemoryEmbedder.ValidateText(errors, request.Text, "text");
        MemoryValidation.Metadata(errors, request.Metadata);
        MemoryValidation.Ttl(errors, request.Ttl);
        errors.Require(request.Data is not null || request.Vector is not null || request.Metadata is not null || request.Ttl is not null || request.Text is not null,
            "data", "Send at least one of data, text, metadata, vector or ttl.");
        errors.ThrowIfInvalid();

        var embedded = await EmbedUnlessVectorAsync(request.Text, request.Vector, cancellationToken);
        var vector = request.Vector ?? embedded?.Vector;
        var memory = await ReplaceAsync(key, vector, (previous, now) => previous is null ? null : previous with
        {
            Data = request.Data?.Clone() ?? previous.Data,
            Text = request.Text ?? previous.Text,
            // A vector sent by the caller is no longer the model's; a new text's vector is.
            Model = vector is null ? previous.Model : embedded?.Model,
            Metadata = request.Metadata is { } metadata ? ObjectOrNull(metadata) : previous.Metadata,
            UpdatedAt = now,
            ExpiresAt = request.Ttl is { } ttl ? now.AddSeconds(ttl) : previous.ExpiresAt,
            HasVector = previous.HasVector || vector is not null,
            Version = MemoryLayout.NewVersion(now),
        }, cancellationToken);
        return memory?.ToRecord(request.Vector);
    }

    public async Task<MemoryRecord?> GetAsync(string key, bool withVector, CancellationToken cancellationToken)
    {
        var errors = new RequestValidation();
        MemoryValidation.Key(errors, key);
        errors.ThrowIfInvalid();

        var memory = await ReadLiveAsync(key, cancellationToken);
        if (memory is null)
            return null;
        float[]? vector = null;
        if (withVector && memory.HasVector && await FindCollectionAsync(cancellationToken) is not null)
        {
            var points = await vectors.GetAsync(Collection, [key], withVector: true, withMetadata: true, cancellationToken);
            vector = points.Count > 0 && MemoryLayout.IsPointOf(memory, points[0].Metadata) ? points[0].Vector?.ToArray() : null;
        }
        return memory.ToRecord(vector);
    }

    /// <summary>Deletes a memory: its vector first, then its data. False when there was no (live) memory.</summary>
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var errors = new RequestValidation();
        MemoryValidation.Key(errors, key);
        errors.ThrowIfInvalid();

        using var held = await locks.AcquireAsync(key, cancellationToken);
        StoredMemory? first = null;
        for (var attempt = 1; ; attempt++)
        {
            var entry = await kv.GetAsync(MemoryLayout.RecordKey(key), cancellationToken);
            var memory = MemoryLayout.ReadRecord(entry);
            first ??= memory;
            if (await FindCollectionAsync(cancellationToken) is not null)
                await vectors.DeleteAsync(Collection, [key], cancellationToken);
            if (entry is null || memory is null)
                return first is not null && !first.IsExpiredAt(time.GetUtcNow());
            // Conditional: a record another replica wrote after the read above (its vector perhaps just deleted) is not
            // deleted blind; the loop reads it and deletes it too, so this delete ends up after that write, as its caller saw.
            if (await kv.DeleteAsync(MemoryLayout.RecordKey(key), entry.ETag, cancellationToken) != KvDeleteOutcome.PreconditionFailed)
            {
                if (MemoryLayout.SessionEntryKey(memory) is { } sessionEntry)
                    await TryDeleteKvAsync([sessionEntry]);
                return !(first ?? memory).IsExpiredAt(time.GetUtcNow());
            }
            await BackOffAsync(key, attempt, cancellationToken);
        }
    }

    // Read, build, compare-and-set, under the key's lock; a record replaced in between (by another replica) means start over.
    private async Task<StoredMemory?> ReplaceAsync(string key, float[]? vector, Func<StoredMemory?, DateTimeOffset, StoredMemory?> build,
        CancellationToken cancellationToken)
    {
        using var held = await locks.AcquireAsync(key, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            // KV is read first, so when KV is down VDB is never touched.
            var entry = await kv.GetAsync(MemoryLayout.RecordKey(key), cancellationToken);
            var previous = Live(entry);
            if (vector is not null)
                await CheckDimensionAsync(vector, create: true, cancellationToken);
            if (build(previous, time.GetUtcNow()) is not { } memory)
                return null;
            if (await WriteAsync(memory, entry, previous, vector, cancellationToken))
                return memory;
            await BackOffAsync(key, attempt, cancellationToken);
        }
    }

    // Replicas racing on one key retry after a random pause that grows, so one of them gets through; this many lost races
    // in a row is clients hammering one key, told to back off with a 409.
    private const int MaxWriteAttempts = 10;

    private async Task BackOffAsync(string key, int attempt, CancellationToken cancellationToken)
    {
        if (attempt == MaxWriteAttempts)
            throw new StorageException(StorageError.Conflict, $"Memory '{key}' was changed by other requests {MaxWriteAttempts} times while this one ran; retry it.");
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 1 << attempt)), time, cancellationToken);
    }

    // KV (the record by compare-and-set against the entry read, then its session entry), then VDB; if VDB fails, KV goes
    // back to what it was before this request. False when the record was no longer the one read: nothing was written.
    private async Task<bool> WriteAsync(StoredMemory memory, KvEntry? read, StoredMemory? previous, float[]? vector, CancellationToken cancellationToken)
    {
        var writes = MemoryLayout.KvWrites(memory, time.GetUtcNow());
        var record = writes[0];
        var written = await kv.SetAsync(record.Key, record.Value,
            new KvSetOptions { TimeToLive = record.TimeToLive, IfMatch = read?.ETag, OnlyIfAbsent = read is null }, cancellationToken);
        if (!written.Applied)
            return false;
        try
        {
            if (writes.Length > 1)
                await kv.SetManyAsync(writes[1..], cancellationToken);
            if (vector is not null)
                await vectors.UpsertAsync(Collection, [new VectorPoint(memory.Key, vector, MemoryLayout.PointMetadata(memory))], cancellationToken);
            else if (previous is { HasVector: true } && memory.HasVector)
                await RewritePointMetadataAsync(memory, cancellationToken);
            else if (previous is { HasVector: true })
                await vectors.DeleteAsync(Collection, [memory.Key], cancellationToken);
        }
        catch (Exception failure)
        {
            await CompensateAsync(memory, written.ETag!, previous);
            if (failure is StorageException { Error: StorageError.NotFound })
            {
                _collection = null;
                throw StorageException.Unavailable($"The vector collection '{Collection}' was not found; it is recreated on retry.", failure, TimeSpan.FromSeconds(1));
            }
            if (failure is StorageException { Error: StorageError.Invalid } invalid)
                throw StorageException.Invalid("vector", invalid.Message);
            throw;
        }
        metrics.Stored();
        if (previous is not null && MemoryLayout.SessionEntryKey(previous) is { } oldEntry && oldEntry != MemoryLayout.SessionEntryKey(memory))
            await TryDeleteKvAsync([oldEntry]);
        return true;
    }

    // A metadata-only update: the vector stays as stored, in one call on every backend.
    private Task RewritePointMetadataAsync(StoredMemory memory, CancellationToken cancellationToken) =>
        vectors.UpdateAsync(Collection, new PointUpdate(memory.Key, Metadata: MemoryLayout.PointMetadata(memory)), cancellationToken);

    // Only over this request's own write (If-Match its ETag): a later write by another replica stands. The previous record
    // comes back with its own version, so its point (untouched when VDB refused the write) is still shown.
    private async Task CompensateAsync(StoredMemory memory, string writtenETag, StoredMemory? previous)
    {
        metrics.Compensated();
        try
        {
            var now = time.GetUtcNow();
            var newEntry = MemoryLayout.SessionEntryKey(memory);
            if (previous is not null && !previous.IsExpiredAt(now))
            {
                var writes = MemoryLayout.KvWrites(previous, now);
                var restored = await kv.SetAsync(writes[0].Key, writes[0].Value,
                    new KvSetOptions { TimeToLive = writes[0].TimeToLive, IfMatch = writtenETag }, CancellationToken.None);
                if (!restored.Applied)
                    return;
                if (writes.Length > 1)
                    await kv.SetManyAsync(writes[1..], CancellationToken.None);
                if (newEntry is not null && newEntry != MemoryLayout.SessionEntryKey(previous))
                    await kv.DeleteManyAsync([newEntry], CancellationToken.None);
            }
            else if (await kv.DeleteAsync(MemoryLayout.RecordKey(memory.Key), writtenETag, CancellationToken.None) == KvDeleteOutcome.Deleted
                && newEntry is not null)
            {
                await kv.DeleteManyAsync([newEntry], CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not undo the KV write of memory '{Key}' after its VDB write failed; it stays out of step until that key is written or deleted again.", memory.Key);
        }
    }

    /// <summary>The memory under <paramref name="key"/> unless missing or expired (an expired one is queued for cleanup).</summary>
    private async Task<StoredMemory?> ReadLiveAsync(string key, CancellationToken cancellationToken) =>
        Live(await kv.GetAsync(MemoryLayout.RecordKey(key), cancellationToken));

    private StoredMemory? Live(KvEntry? entry)
    {
        var memory = MemoryLayout.ReadRecord(entry);
        if (memory is not null && memory.IsExpiredAt(time.GetUtcNow()))
        {
            cleanup.Enqueue(memory.Key);
            return null;
        }
        return memory;
    }

    private async Task<CollectionInfo?> FindCollectionAsync(CancellationToken cancellationToken)
    {
        if (_collection is { } known)
            return known;
        var info = await vectors.GetCollectionAsync(Collection, cancellationToken);
        if (info is not null)
            _collection = info;
        return info;
    }

    /// <summary>400 naming <c>vector</c> when it does not fit the collection; with <paramref name="create"/>, a first vector creates it.</summary>
    private async Task<CollectionInfo?> CheckDimensionAsync(float[] vector, bool create, CancellationToken cancellationToken)
    {
        var info = await FindCollectionAsync(cancellationToken);
        if (info is null && create)
        {
            try
            {
                info = await vectors.CreateCollectionAsync(Collection, new CollectionSpec(vector.Length, DistanceNames.Parse(_options.Distance, "Sage:Memory:Distance")), cancellationToken);
            }
            catch (StorageException e) when (e.Error == StorageError.Conflict)
            {
                info = await vectors.GetCollectionAsync(Collection, cancellationToken);
            }
            _collection = info;
        }
        if (info is not null && info.Dimension != vector.Length)
            throw StorageException.Invalid("vector",
                $"vector has {vector.Length} dimensions; the memory collection '{Collection}' holds {info.Dimension}"
                + (embedder.Model is { } model ? $" (the embedding model {model} makes {ExpectedDimension(model)})" : "")
                + $". Send vectors of {info.Dimension} dimensions, or point Sage:Memory:Collection at a new collection for this model.");
        return info;
    }

    // The vector of a text sent without one; null when there is no text, or the caller sent the vector.
    private async Task<TextEmbedding?> EmbedUnlessVectorAsync(string? text, float[]? vector, CancellationToken cancellationToken) =>
        text is not null && vector is null ? await embedder.EmbedAsync(text, "text", cancellationToken) : null;

    private static readonly JsonElement NullData = JsonDocument.Parse("null").RootElement.Clone();

    private async Task TryDeleteKvAsync(IReadOnlyList<string> keys)
    {
        try
        {
            await kv.DeleteManyAsync(keys, CancellationToken.None);
        }
        catch (StorageException e)
        {
            logger.LogDebug(e, "Could not delete stale KV entries; they are skipped when read and retried when found.");
        }
    }

    private static string[] KvKeysOf(StoredMemory memory) =>
        MemoryLayout.SessionEntryKey(memory) is { } entry ? [MemoryLayout.RecordKey(memory.Key), entry] : [MemoryLayout.RecordKey(memory.Key)];

    private static JsonElement? ObjectOrNull(JsonElement? metadata) =>
        metadata is { ValueKind: JsonValueKind.Object } value ? value.Clone() : null;

    private static string ExpectedDimension(string model) =>
        model == LocalMiniLmGenerator.ModelName ? $"{LocalMiniLmGenerator.Dimension}" : "its own";
}
