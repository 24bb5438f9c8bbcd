using System.Diagnostics;
using Wire = Qdrant.Client.Grpc;

namespace Sage.Storage.Vectors.Qdrant;

public sealed partial class QdrantVectorStore
{
    /// <inheritdoc />
    public async Task UpsertAsync(string collection, IReadOnlyList<VectorPoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        var spec = await GetSpecAsync(collection, cancellationToken).ConfigureAwait(false);
        VectorRequestValidator.ValidatePoints(points, spec, _options.MaxBatchSize);
        var wire = points.Select(point => new Wire.PointStruct
        {
            Id = QdrantPointId.FromId(point.Id),
            Vectors = point.Vector.ToArray(),
            Payload = { QdrantPayload.Create(point.Id, point.Metadata) },
        }).ToList();
        await CallAsync(ct => _client.UpsertAsync(collection, wire, wait: true, cancellationToken: ct), collection, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredPoint>> GetAsync(string collection, IReadOnlyList<string> ids, bool withVector = true, bool withMetadata = true, CancellationToken cancellationToken = default)
    {
        ValidateName(collection);
        VectorRequestValidator.ValidateIds(ids);
        var found = await RetrieveAsync(collection, ids, withVector, withMetadata, cancellationToken).ConfigureAwait(false);
        return [.. ids.Where(found.ContainsKey).Select(id => found[id])];
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(string collection, PointUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var spec = await GetSpecAsync(collection, cancellationToken).ConfigureAwait(false);
        VectorRequestValidator.ValidateId(update.Id, "id");
        if (update.Vector is { } vector)
        {
            VectorRequestValidator.ValidateVector(vector.Span, spec, "vector");
        }

        VectorRequestValidator.ValidateMetadata(update.Metadata, "metadata");
        if ((await RetrieveAsync(collection, [update.Id], false, false, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            return false;
        }

        var pointId = QdrantPointId.FromId(update.Id);
        if (update.Vector is { } newVector)
        {
            Wire.PointVectors[] vectors = [new() { Id = pointId, Vectors = newVector.ToArray() }];
            await CallAsync(ct => _client.UpdateVectorsAsync(collection, vectors, wait: true, cancellationToken: ct), collection, cancellationToken).ConfigureAwait(false);
        }

        if (update.Metadata is { } metadata)
        {
            // Overwriting replaces the whole payload, so the id travels along with the new metadata.
            var payload = QdrantPayload.Create(update.Id, metadata);
            await CallAsync(ct => _client.OverwritePayloadAsync(collection, payload, [pointId], wait: true, cancellationToken: ct), collection, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc />
    public async Task<long> DeleteAsync(string collection, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ValidateName(collection);
        VectorRequestValidator.ValidateIds(ids);
        var existing = await RetrieveAsync(collection, ids, false, false, cancellationToken).ConfigureAwait(false);
        if (existing.Count == 0)
        {
            return 0;
        }

        var doomed = existing.Keys.Select(QdrantPointId.FromId).ToList();
        await CallAsync(ct => _client.DeleteAsync(collection, doomed, wait: true, cancellationToken: ct), collection, cancellationToken).ConfigureAwait(false);
        return existing.Count;
    }

    /// <inheritdoc />
    public async Task<long> DeleteByFilterAsync(string collection, VectorFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var count = await CountAsync(collection, filter, cancellationToken).ConfigureAwait(false);
        if (count == 0)
        {
            return 0;
        }

        var translated = QdrantFilterTranslator.Translate(filter);
        await CallAsync(ct => _client.DeleteAsync(collection, translated, wait: true, cancellationToken: ct), collection, cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ScoredPoint>> QueryAsync(string collection, VectorQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var spec = await GetSpecAsync(collection, cancellationToken).ConfigureAwait(false);
        VectorRequestValidator.ValidateQuery(query, spec);
        var filter = query.Filter is { } f ? QdrantFilterTranslator.Translate(f) : null;
        var hits = await CallAsync(ct => _client.QueryAsync(
            collection,
            query: query.Vector.ToArray(),
            filter: filter,
            scoreThreshold: query.ScoreThreshold,
            searchParams: ToSearchParams(query),
            limit: (ulong)query.TopK,
            payloadSelector: QdrantPayload.Selector(query.WithMetadata),
            vectorsSelector: new Wire.WithVectorsSelector { Enable = query.WithVector },
            cancellationToken: ct), collection, cancellationToken).ConfigureAwait(false);
        return [.. hits.Select(p => new ScoredPoint(
            QdrantPayload.ReadId(p.Id, p.Payload),
            p.Score,
            query.WithVector ? QdrantPayload.ReadVector(p.Vectors) : null,
            query.WithMetadata ? QdrantPayload.ReadMetadata(p.Payload) : null))];
    }

    /// <inheritdoc />
    public async Task<ScrollPage> ScrollAsync(string collection, ScrollRequest request, CancellationToken cancellationToken = default)
    {
        ValidateName(collection);
        ArgumentNullException.ThrowIfNull(request);
        VectorRequestValidator.ValidateScroll(request);
        // Our cursors are Qdrant's next_page_offset, always a UUID.
        Wire.PointId? offset = request.Cursor is null ? null
            : Guid.TryParseExact(request.Cursor, "D", out var start) ? start
            : throw StorageException.Invalid("cursor", "cursor is not one this store returned.");
        var filter = request.Filter is { } f ? QdrantFilterTranslator.Translate(f) : null;

        var page = await CallAsync(ct => _client.ScrollAsync(
            collection,
            filter,
            (uint)request.Limit,
            offset,
            QdrantPayload.Selector(request.WithMetadata),
            new Wire.WithVectorsSelector { Enable = request.WithVector },
            cancellationToken: ct), collection, cancellationToken).ConfigureAwait(false);
        var points = page.Result.Select(p => new StoredPoint(
            QdrantPayload.ReadId(p.Id, p.Payload),
            request.WithVector ? QdrantPayload.ReadVector(p.Vectors) : null,
            request.WithMetadata ? QdrantPayload.ReadMetadata(p.Payload) : null)).ToList();
        return new ScrollPage(points, page.NextPageOffset?.Uuid is { Length: > 0 } next ? next : null);
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(string collection, VectorFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ValidateName(collection);
        var translated = filter is null ? null : QdrantFilterTranslator.Translate(filter);
        return (long)await CallAsync(ct => _client.CountAsync(collection, translated, exact: true, cancellationToken: ct), collection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Round trip to Qdrant's health service, which answers without an API key.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await CallAsync(_client.HealthAsync, null, cancellationToken).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started);
    }

    private async Task<Dictionary<string, StoredPoint>> RetrieveAsync(string collection, IReadOnlyList<string> ids, bool withVector, bool withMetadata, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, StoredPoint>(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return found;
        }

        var pointIds = ids.Distinct(StringComparer.Ordinal).Select(id => (Wire.PointId)QdrantPointId.FromId(id)).ToList();
        var points = await CallAsync(ct => _client.RetrieveAsync(
            collection, pointIds, QdrantPayload.Selector(withMetadata), new Wire.WithVectorsSelector { Enable = withVector }, cancellationToken: ct),
            collection, cancellationToken).ConfigureAwait(false);
        foreach (var point in points)
        {
            var id = QdrantPayload.ReadId(point.Id, point.Payload);
            found[id] = new StoredPoint(id, withVector ? QdrantPayload.ReadVector(point.Vectors) : null, withMetadata ? QdrantPayload.ReadMetadata(point.Payload) : null);
        }

        return found;
    }

    /// <summary>hnsw_ef and exact only when asked for: unset fields keep Qdrant's own defaults.</summary>
    private static Wire.SearchParams? ToSearchParams(VectorQuery query)
    {
        if (!query.Exact && query.Ef is null)
        {
            return null;
        }
        var parameters = new Wire.SearchParams { Exact = query.Exact };
        if (query.Ef is { } ef)
        {
            parameters.HnswEf = (ulong)ef;
        }
        return parameters;
    }
}
