using System.Text.Json;
using Microsoft.Extensions.Options;
using Sage.Client.Memory;
using Sage.ServiceDefaults.Http;
using Sage.Storage;
using Sage.Storage.Kv;
using Sage.Storage.Vectors;

namespace Sage.Memory.Memories;

/// <summary>
/// The one place that joins KV and VDB (see <see cref="MemoryLayout"/> for where things live). Writes go KV first, then VDB;
/// a failed VDB write is undone in KV (the previous record restored, or the new one deleted), so nothing already stored is
/// lost and a retry with the same key converges. Deletes go VDB first, then KV, so a vector never outlives its data for long.
/// </summary>
public sealed partial class MemoryStore(
    IKvStore kv,
    IVectorStore vectors,
    MemoryCleanupQueue cleanup,
    MemoryMetrics metrics,
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
        MemoryValidation.Data(errors, request.Data, _options.MaxDataBytes);
        MemoryValidation.Vector(errors, request.Vector);
        MemoryValidation.Metadata(errors, request.Metadata);
        MemoryValidation.SessionId(errors, request.SessionId);
        MemoryValidation.MemoryType(errors, request.MemoryType);
        MemoryValidation.Ttl(errors, request.Ttl);
        errors.ThrowIfInvalid();

        var key = request.Key ?? Guid.NewGuid().ToString();
        // KV is read first, so when KV is down VDB is never touched.
        var previous = await ReadLiveAsync(key, cancellationToken);
        if (request.Vector is { } vector)
            await CheckDimensionAsync(vector, create: true, cancellationToken);

        var now = time.GetUtcNow();
        var memory = new StoredMemory(key, request.Data.Clone(), ObjectOrNull(request.Metadata), request.SessionId,
            request.MemoryType ?? MemoryLayout.DefaultMemoryType, previous?.CreatedAt ?? now, now,
            request.Ttl is { } ttl ? now.AddSeconds(ttl) : null, request.Vector is not null);
        await WriteAsync(memory, previous, request.Vector, cancellationToken);
        return memory.ToRecord(request.Vector);
    }

    public async Task<MemoryRecord?> UpdateAsync(string key, UpdateMemoryRequest request, CancellationToken cancellationToken)
    {
        var errors = new RequestValidation();
        MemoryValidation.Key(errors, key);
        MemoryValidation.Data(errors, request.Data, _options.MaxDataBytes, required: false);
        MemoryValidation.Vector(errors, request.Vector);
        MemoryValidation.Metadata(errors, request.Metadata);
        MemoryValidation.Ttl(errors, request.Ttl);
        errors.Require(request.Data is not null || request.Vector is not null || request.Metadata is not null || request.Ttl is not null,
            "data", "Send at least one of data, metadata, vector or ttl.");
        errors.ThrowIfInvalid();

        var previous = await ReadLiveAsync(key, cancellationToken);
        if (previous is null)
            return null;
        if (request.Vector is { } vector)
            await CheckDimensionAsync(vector, create: true, cancellationToken);

        var now = time.GetUtcNow();
        var memory = previous with
        {
            Data = request.Data?.Clone() ?? previous.Data,
            Metadata = request.Metadata is { } metadata ? ObjectOrNull(metadata) : previous.Metadata,
            UpdatedAt = now,
            ExpiresAt = request.Ttl is { } ttl ? now.AddSeconds(ttl) : previous.ExpiresAt,
            HasVector = previous.HasVector || request.Vector is not null,
        };
        await WriteAsync(memory, previous, request.Vector, cancellationToken);
        return memory.ToRecord(request.Vector);
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
            var points = await vectors.GetAsync(Collection, [key], withVector: true, withMetadata: false, cancellationToken);
            vector = points.Count > 0 ? points[0].Vector?.ToArray() : null;
        }
        return memory.ToRecord(vector);
    }

    /// <summary>Deletes a memory: its vector first, then its data. False when there was no (live) memory.</summary>
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var errors = new RequestValidation();
        MemoryValidation.Key(errors, key);
        errors.ThrowIfInvalid();

        var memory = MemoryLayout.ReadRecord(await kv.GetAsync(MemoryLayout.RecordKey(key), cancellationToken));
        if (await FindCollectionAsync(cancellationToken) is not null)
            await vectors.DeleteAsync(Collection, [key], cancellationToken);
        if (memory is null)
            return false;
        await kv.DeleteManyAsync(KvKeysOf(memory), cancellationToken);
        return !memory.IsExpiredAt(time.GetUtcNow());
    }

    // KV, then VDB; if VDB fails, KV goes back to what it was before this request.
    private async Task WriteAsync(StoredMemory memory, StoredMemory? previous, float[]? vector, CancellationToken cancellationToken)
    {
        await kv.SetManyAsync(MemoryLayout.KvWrites(memory, time.GetUtcNow()), cancellationToken);
        try
        {
            if (vector is not null)
                await vectors.UpsertAsync(Collection, [new VectorPoint(memory.Key, vector, MemoryLayout.PointMetadata(memory))], cancellationToken);
            else if (previous is { HasVector: true } && memory.HasVector)
                await RewritePointMetadataAsync(memory, cancellationToken);
            else if (previous is { HasVector: true })
                await vectors.DeleteAsync(Collection, [memory.Key], cancellationToken);
        }
        catch (Exception failure)
        {
            await CompensateAsync(memory, previous);
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
    }

    // A metadata-only update: the vector stays as stored, in one call on every backend.
    private Task RewritePointMetadataAsync(StoredMemory memory, CancellationToken cancellationToken) =>
        vectors.UpdateAsync(Collection, new PointUpdate(memory.Key, Metadata: MemoryLayout.PointMetadata(memory)), cancellationToken);

    private async Task CompensateAsync(StoredMemory memory, StoredMemory? previous)
    {
        metrics.Compensated();
        try
        {
            var now = time.GetUtcNow();
            if (previous is not null && !previous.IsExpiredAt(now))
            {
                await kv.SetManyAsync(MemoryLayout.KvWrites(previous, now), CancellationToken.None);
                if (MemoryLayout.SessionEntryKey(memory) is { } newEntry && newEntry != MemoryLayout.SessionEntryKey(previous))
                    await kv.DeleteManyAsync([newEntry], CancellationToken.None);
            }
            else
            {
                await kv.DeleteManyAsync(KvKeysOf(memory), CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not undo the KV write of memory '{Key}' after its VDB write failed; it stays out of step until that key is written or deleted again.", memory.Key);
        }
    }

    /// <summary>The memory under <paramref name="key"/> unless missing or expired (an expired one is queued for cleanup).</summary>
    private async Task<StoredMemory?> ReadLiveAsync(string key, CancellationToken cancellationToken)
    {
        var memory = MemoryLayout.ReadRecord(await kv.GetAsync(MemoryLayout.RecordKey(key), cancellationToken));
        if (memory is not null && memory.IsExpiredAt(time.GetUtcNow()))
        {
            cleanup.Enqueue(key);
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
                info = await vectors.CreateCollectionAsync(Collection, new CollectionSpec(vector.Length, ParseDistance(_options.Distance)), cancellationToken);
            }
            catch (StorageException e) when (e.Error == StorageError.Conflict)
            {
                info = await vectors.GetCollectionAsync(Collection, cancellationToken);
            }
            _collection = info;
        }
        if (info is not null && info.Dimension != vector.Length)
            throw StorageException.Invalid("vector", $"vector has {vector.Length} dimensions; the memory collection '{Collection}' holds {info.Dimension}.");
        return info;
    }

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

    // Options validation admits only known names; cosine is the default.
    private static Distance ParseDistance(string distance) => DistanceNames.TryParse(distance, out var parsed) ? parsed : Distance.Cosine;
}
