using System.Text.Json;

namespace Sage.Storage.Vectors.Embedded;

public sealed partial class EmbeddedVectorStore
{
    /// <inheritdoc />
    public Task UpsertAsync(string collection, IReadOnlyList<VectorPoint> points, CancellationToken cancellationToken = default)
    {
        var target = Resolve(collection);
        VectorRequestValidator.ValidatePoints(points, target.Spec, _options.MaxBatchSize);
        // Everything that can fail is done before the first write: a failed batch changes nothing.
        var rows = new SqliteVectorPersistence.Row[points.Count];
        var elements = new JsonElement?[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            var (bytes, element) = EncodeMetadata(points[i].Metadata);
            rows[i] = new(points[i].Id, target.Prepare(points[i].Vector.Span), bytes);
            elements[i] = element;
        }
        return WriteAsync(collection, c =>
        {
            _persistence?.Upsert(c.Name, rows);
            Mutate(c, () =>
            {
                for (var i = 0; i < rows.Length; i++)
                {
                    c.Put(rows[i].Id, rows[i].Vector.Span, elements[i], rows[i].Metadata?.Length ?? 0);
                }
            });
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredPoint>> GetAsync(string collection, IReadOnlyList<string> ids, bool withVector = true, bool withMetadata = true, CancellationToken cancellationToken = default)
    {
        VectorRequestValidator.ValidateIds(ids);
        return Read(Resolve(collection), c =>
        {
            var result = new List<StoredPoint>(ids.Count);
            foreach (var id in ids)
            {
                if (id is not null && c.TryGetSlot(id, out var slot))
                {
                    result.Add(ToStored(c, slot, withVector, withMetadata));
                }
            }
            return (IReadOnlyList<StoredPoint>)result;
        });
    }

    /// <inheritdoc />
    public Task<bool> UpdateAsync(string collection, PointUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var target = Resolve(collection);
        VectorRequestValidator.ValidateId(update.Id, "id");
        if (update.Vector is { } vector)
        {
            VectorRequestValidator.ValidateVector(vector.Span, target.Spec, "vector");
        }
        VectorRequestValidator.ValidateMetadata(update.Metadata, "metadata");
        var prepared = update.Vector is { } v ? target.Prepare(v.Span) : null;
        var (newBytes, newElement) = EncodeMetadata(update.Metadata);
        return WriteAsync(collection, c =>
        {
            if (!c.TryGetSlot(update.Id, out var slot))
            {
                return false;
            }
            var finalVector = prepared ?? c.VectorAt(slot).ToArray();
            var (bytes, element) = update.Metadata is null ? (CurrentMetadataBytes(c, slot), c.MetadataAt(slot)) : (newBytes, newElement);
            _persistence?.Upsert(c.Name, [new(update.Id, finalVector, bytes)]);
            Mutate(c, () => c.Put(update.Id, finalVector, element, bytes?.Length ?? 0));
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> DeleteAsync(string collection, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        VectorRequestValidator.ValidateIds(ids);
        return WriteAsync(collection, c => DeleteExisting(c, ids.Where(id => c.TryGetSlot(id, out _)).Distinct(StringComparer.Ordinal).ToList()), cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> DeleteByFilterAsync(string collection, VectorFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var predicate = VectorFilterEvaluator.Compile(filter);
        // Under the write gate no other writer runs, so reading the slots without the read lock is safe.
        return WriteAsync(collection, c => DeleteExisting(c, c.LiveSlots().Where(s => predicate(c.IdAt(s), c.MetadataAt(s))).Select(c.IdAt).ToList()), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ScoredPoint>> QueryAsync(string collection, VectorQuery query, CancellationToken cancellationToken = default)
    {
        var target = Resolve(collection);
        VectorRequestValidator.ValidateQuery(query, target.Spec);
        var predicate = query.Filter is null ? null : VectorFilterEvaluator.Compile(query.Filter);
        return Read(target, c =>
        {
            var hits = c.Search(query.Vector.Span, query.TopK, predicate, query.ScoreThreshold, _options.ParallelScanThreshold, query.Exact, query.Ef);
            var result = new ScoredPoint[hits.Length];
            for (var i = 0; i < hits.Length; i++)
            {
                var slot = hits[i].Slot;
                result[i] = new ScoredPoint(c.IdAt(slot), hits[i].Score,
                    query.WithVector ? c.VectorAt(slot).ToArray() : (ReadOnlyMemory<float>?)null,
                    query.WithMetadata ? c.MetadataAt(slot) : null);
            }
            return (IReadOnlyList<ScoredPoint>)result;
        });
    }

    /// <inheritdoc />
    public Task<ScrollPage> ScrollAsync(string collection, ScrollRequest request, CancellationToken cancellationToken = default)
    {
        var target = Resolve(collection);
        VectorRequestValidator.ValidateScroll(request);
        var after = request.Cursor is null ? null : ScrollCursor.Decode(request.Cursor);
        var predicate = request.Filter is null ? null : VectorFilterEvaluator.Compile(request.Filter);
        return Read(target, c =>
        {
            var (slots, more) = c.Page(after, request.Limit, predicate);
            var points = slots.Select(slot => ToStored(c, slot, request.WithVector, request.WithMetadata)).ToList();
            return new ScrollPage(points, more && points.Count > 0 ? ScrollCursor.Encode(points[^1].Id) : null);
        });
    }

    /// <inheritdoc />
    public Task<long> CountAsync(string collection, VectorFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var predicate = filter is null ? null : VectorFilterEvaluator.Compile(filter);
        return Read(Resolve(collection), c => c.Count(predicate));
    }

    private long DeleteExisting(VectorCollection collection, List<string> ids)
    {
        if (ids.Count == 0)
        {
            return 0;
        }
        _persistence?.Delete(collection.Name, ids);
        Mutate(collection, () => ids.ForEach(id => collection.Remove(id)));
        return ids.Count;
    }

    private static void Mutate(VectorCollection collection, Action mutate)
    {
        collection.Lock.EnterWriteLock();
        try
        {
            mutate();
        }
        finally
        {
            collection.Lock.ExitWriteLock();
        }
    }

    private static StoredPoint ToStored(VectorCollection collection, int slot, bool withVector, bool withMetadata) =>
        new(collection.IdAt(slot), withVector ? collection.VectorAt(slot).ToArray() : (ReadOnlyMemory<float>?)null, withMetadata ? collection.MetadataAt(slot) : null);

    private static (byte[]? Bytes, JsonElement? Element) EncodeMetadata(JsonElement? metadata)
    {
        if (metadata is not { ValueKind: JsonValueKind.Object } value)
        {
            return (null, null);
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value);
        return (bytes, ParseMetadata(bytes));
    }

    private static byte[]? CurrentMetadataBytes(VectorCollection collection, int slot) =>
        collection.MetadataAt(slot) is { } metadata ? JsonSerializer.SerializeToUtf8Bytes(metadata) : null;
}
