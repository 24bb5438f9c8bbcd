using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Sage.Storage.Vectors.Qdrant;

/// <summary>
/// <see cref="IVectorStore"/> over Qdrant's REST API. SAGE ids become UUIDv5 point ids (<see cref="QdrantPointId"/>)
/// with the original id and the metadata kept in the payload; writes wait for Qdrant to apply them.
/// </summary>
public sealed partial class QdrantVectorStore : IVectorStore
{
    private readonly HttpClient _http;
    private readonly QdrantOptions _options;
    private readonly ConcurrentDictionary<string, (CollectionSpec Spec, long ExpiresAt)> _specs = new(StringComparer.Ordinal);

    /// <summary>Creates a store over a client whose base address (and <c>api-key</c> header) point at Qdrant.</summary>
    public QdrantVectorStore(HttpClient httpClient, IOptions<QdrantOptions> options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _http = httpClient;
        _options = options.Value;
        _http.BaseAddress ??= _options.Endpoint;
    }

    /// <inheritdoc />
    public string Backend => "qdrant";

    /// <inheritdoc />
    public async Task<CollectionInfo> CreateCollectionAsync(string name, CollectionSpec spec, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        VectorRequestValidator.ValidateSpec(spec);

        if (await GetCollectionAsync(name, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return SameSpec(existing, spec);
        }

        var body = new JsonObject
        {
            ["vectors"] = new JsonObject { ["size"] = spec.Dimension, ["distance"] = spec.Distance.ToString() },
        };
        try
        {
            await SendAsync(HttpMethod.Put, CollectionPath(name), body, name, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException ex) when (ex.Error == StorageError.Conflict)
        {
            // Created by someone else in between: fine when it has our shape.
            if (await GetCollectionAsync(name, cancellationToken).ConfigureAwait(false) is not { } raced)
            {
                throw;
            }

            return SameSpec(raced, spec);
        }

        return await GetCollectionAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageException(StorageError.Unavailable, $"Collection '{name}' vanished right after it was created.");
    }

    /// <inheritdoc />
    public async Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        var result = await SendAsync(HttpMethod.Get, CollectionPath(name), null, name, cancellationToken, notFoundIsNull: true).ConfigureAwait(false);
        if (result is not { } info)
        {
            _specs.TryRemove(name, out _);
            return null;
        }

        var vectors = info.GetProperty("config").GetProperty("params").GetProperty("vectors");
        if (!vectors.TryGetProperty("size", out var size))
        {
            throw new StorageException(StorageError.Invalid, $"Collection '{name}' uses named vectors, which SAGE does not read.", "collection");
        }

        var spec = new CollectionSpec(size.GetInt32(), Enum.Parse<Distance>(vectors.GetProperty("distance").GetString()!));
        _specs[name] = (spec, Stopwatch.GetTimestamp() + (long)(_options.CollectionCacheDuration.TotalSeconds * Stopwatch.Frequency));

        var points = info.TryGetProperty("points_count", out var count) && count.ValueKind == JsonValueKind.Number
            ? count.GetInt64()
            : await CountAsync(name, null, cancellationToken).ConfigureAwait(false);
        // Qdrant reports no byte size over REST; the raw float32 vectors are the honest lower bound.
        return new CollectionInfo(name, spec.Dimension, spec.Distance, points, points * spec.Dimension * sizeof(float));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken = default)
    {
        var result = await SendAsync(HttpMethod.Get, "collections", null, null, cancellationToken).ConfigureAwait(false);
        var names = result!.Value.GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToList();
        var infos = new List<CollectionInfo>(names.Count);
        foreach (var name in names)
        {
            if (await GetCollectionAsync(name, cancellationToken).ConfigureAwait(false) is { } info)
            {
                infos.Add(info);
            }
        }

        return infos;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        _specs.TryRemove(name, out _);
        var result = await SendAsync(HttpMethod.Delete, CollectionPath(name), null, name, cancellationToken, notFoundIsNull: true).ConfigureAwait(false);
        return result is { ValueKind: JsonValueKind.True };
    }

    /// <summary>
    /// Returns the collection's info: Qdrant's optimizers vacuum deleted points on their own, and REST offers no
    /// "optimize now" call that a caller could wait on.
    /// </summary>
    public async Task<CollectionInfo> CompactAsync(string name, CancellationToken cancellationToken = default) =>
        await GetCollectionAsync(name, cancellationToken).ConfigureAwait(false) ?? throw CollectionNotFound(name);

    /// <inheritdoc />
    public async Task UpsertAsync(string collection, IReadOnlyList<VectorPoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        var spec = await GetSpecAsync(collection, cancellationToken).ConfigureAwait(false);
        VectorRequestValidator.ValidatePoints(points, spec.Dimension);
        var wire = new JsonArray([.. points.Select(point => (JsonNode)new JsonObject
        {
            ["id"] = QdrantPointId.FromId(point.Id).ToString(),
            ["vector"] = VectorJson(point.Vector.Span),
            ["payload"] = QdrantPayload.Create(point.Id, point.Metadata),
        })]);
        await SendAsync(HttpMethod.Put, PointsPath(collection, "?wait=true"), new JsonObject { ["points"] = wire }, collection, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredPoint>> GetAsync(string collection, IReadOnlyList<string> ids, bool withVector = true, bool withMetadata = true, CancellationToken cancellationToken = default)
    {
        ValidateName(collection);
        ArgumentNullException.ThrowIfNull(ids);
        for (var i = 0; i < ids.Count; i++)
        {
            VectorRequestValidator.ValidateId(ids[i], $"ids[{i}]");
        }

        var found = await RetrieveAsync(collection, ids, withVector, withMetadata, cancellationToken).ConfigureAwait(false);
        var points = new List<StoredPoint>(ids.Count);
        foreach (var id in ids)
        {
            if (found.TryGetValue(id, out var point))
            {
                points.Add(point);
            }
        }

        return points;
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(string collection, PointUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var spec = await GetSpecAsync(collection, cancellationToken).ConfigureAwait(false);
        VectorRequestValidator.ValidateId(update.Id, "id");
        if (update.Vector is { } vector)
        {
            VectorRequestValidator.ValidateVector(vector.Span, spec.Dimension, "vector");
        }

        VectorRequestValidator.ValidateMetadata(update.Metadata, "metadata");
        var found = await RetrieveAsync(collection, [update.Id], false, false, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return false;
        }

        var pointId = QdrantPointId.FromId(update.Id).ToString();
        if (update.Vector is { } newVector)
        {
            var body = new JsonObject { ["points"] = new JsonArray(new JsonObject { ["id"] = pointId, ["vector"] = VectorJson(newVector.Span) }) };
            await SendAsync(HttpMethod.Put, PointsPath(collection, "/vectors?wait=true"), body, collection, cancellationToken).ConfigureAwait(false);
        }

        if (update.Metadata is { } metadata)
        {
            // PUT overwrites the whole payload, so the id travels along with the new metadata.
            var body = new JsonObject { ["payload"] = QdrantPayload.Create(update.Id, metadata), ["points"] = new JsonArray(pointId) };
            await SendAsync(HttpMethod.Put, PointsPath(collection, "/payload?wait=true"), body, collection, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc />
    public async Task<long> DeleteAsync(string collection, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ValidateName(collection);
        ArgumentNullException.ThrowIfNull(ids);
        for (var i = 0; i < ids.Count; i++)
        {
            VectorRequestValidator.ValidateId(ids[i], $"ids[{i}]");
        }

        var existing = await RetrieveAsync(collection, ids, false, false, cancellationToken).ConfigureAwait(false);
        if (existing.Count == 0)
        {
            return 0;
        }

        var body = new JsonObject { ["points"] = new JsonArray([.. existing.Keys.Select(id => (JsonNode)JsonValue.Create(QdrantPointId.FromId(id).ToString()))]) };
        await SendAsync(HttpMethod.Post, PointsPath(collection, "/delete?wait=true"), body, collection, cancellationToken).ConfigureAwait(false);
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

        var body = new JsonObject { ["filter"] = QdrantFilterTranslator.Translate(filter) };
        await SendAsync(HttpMethod.Post, PointsPath(collection, "/delete?wait=true"), body, collection, cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ScoredPoint>> QueryAsync(string collection, VectorQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var spec = await GetSpecAsync(collection, cancellationToken).ConfigureAwait(false);
        VectorRequestValidator.ValidateQuery(query, spec.Dimension);
        var body = new JsonObject
        {
            ["query"] = VectorJson(query.Vector.Span),
            ["limit"] = query.TopK,
            ["with_payload"] = PayloadSelector(query.WithMetadata),
            ["with_vector"] = query.WithVector,
        };
        if (query.Filter is { } filter)
        {
            body["filter"] = QdrantFilterTranslator.Translate(filter);
        }

        if (query.ScoreThreshold is { } scoreThreshold)
        {
            body["score_threshold"] = scoreThreshold;
        }

        var result = await SendAsync(HttpMethod.Post, PointsPath(collection, "/query"), body, collection, cancellationToken).ConfigureAwait(false);
        return [.. result!.Value.GetProperty("points").EnumerateArray().Select(p => new ScoredPoint(
            QdrantPayload.ReadId(p),
            p.GetProperty("score").GetSingle(),
            query.WithVector ? QdrantPayload.ReadVector(p) : null,
            query.WithMetadata ? QdrantPayload.ReadMetadata(p) : null))];
    }

    /// <inheritdoc />
    public async Task<ScrollPage> ScrollAsync(string collection, ScrollRequest request, CancellationToken cancellationToken = default)
    {
        ValidateName(collection);
        ArgumentNullException.ThrowIfNull(request);
        VectorRequestValidator.ValidateScroll(request);

        var body = new JsonObject
        {
            ["limit"] = request.Limit,
            ["with_payload"] = PayloadSelector(request.WithMetadata),
            ["with_vector"] = request.WithVector,
        };
        if (request.Cursor is { } cursor)
        {
            // Our cursors are Qdrant's next_page_offset, always a UUID.
            body["offset"] = Guid.TryParseExact(cursor, "D", out var offset)
                ? offset.ToString()
                : throw StorageException.Invalid("cursor", "cursor is not one this store returned.");
        }

        if (request.Filter is { } filter)
        {
            body["filter"] = QdrantFilterTranslator.Translate(filter);
        }

        var result = (await SendAsync(HttpMethod.Post, PointsPath(collection, "/scroll"), body, collection, cancellationToken).ConfigureAwait(false))!.Value;
        var points = result.GetProperty("points").EnumerateArray()
            .Select(p => new StoredPoint(QdrantPayload.ReadId(p), request.WithVector ? QdrantPayload.ReadVector(p) : null, request.WithMetadata ? QdrantPayload.ReadMetadata(p) : null))
            .ToList();
        var next = result.TryGetProperty("next_page_offset", out var offsetElement) && offsetElement.ValueKind != JsonValueKind.Null
            ? offsetElement.ToString()
            : null;
        return new ScrollPage(points, next);
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(string collection, VectorFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ValidateName(collection);
        var body = new JsonObject { ["exact"] = true };
        if (filter is not null)
        {
            body["filter"] = QdrantFilterTranslator.Translate(filter);
        }

        var result = await SendAsync(HttpMethod.Post, PointsPath(collection, "/count"), body, collection, cancellationToken).ConfigureAwait(false);
        return result!.Value.GetProperty("count").GetInt64();
    }

    /// <inheritdoc />
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await SendRawAsync(HttpMethod.Get, "readyz", null, null, cancellationToken).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started);
    }

    private async Task<Dictionary<string, StoredPoint>> RetrieveAsync(string collection, IReadOnlyList<string> ids, bool withVector, bool withMetadata, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, StoredPoint>(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return found;
        }

        var body = new JsonObject
        {
            ["ids"] = new JsonArray([.. ids.Distinct(StringComparer.Ordinal).Select(id => (JsonNode)JsonValue.Create(QdrantPointId.FromId(id).ToString()))]),
            ["with_payload"] = PayloadSelector(withMetadata),
            ["with_vector"] = withVector,
        };
        var result = await SendAsync(HttpMethod.Post, PointsPath(collection, string.Empty), body, collection, cancellationToken).ConfigureAwait(false);
        foreach (var point in result!.Value.EnumerateArray())
        {
            var id = QdrantPayload.ReadId(point);
            found[id] = new StoredPoint(id, withVector ? QdrantPayload.ReadVector(point) : null, withMetadata ? QdrantPayload.ReadMetadata(point) : null);
        }

        return found;
    }

    private async Task<CollectionSpec> GetSpecAsync(string collection, CancellationToken cancellationToken)
    {
        ValidateName(collection);
        if (_specs.TryGetValue(collection, out var cached) && cached.ExpiresAt > Stopwatch.GetTimestamp())
        {
            return cached.Spec;
        }

        var info = await GetCollectionAsync(collection, cancellationToken).ConfigureAwait(false) ?? throw CollectionNotFound(collection);
        return new CollectionSpec(info.Dimension, info.Distance);
    }

    private static CollectionInfo SameSpec(CollectionInfo existing, CollectionSpec spec) =>
        existing.Dimension == spec.Dimension && existing.Distance == spec.Distance
            ? existing
            : throw new StorageException(
                StorageError.Conflict,
                $"Collection '{existing.Name}' exists with dimension {existing.Dimension} and distance {existing.Distance}.",
                "dimension");

    // Only the id is asked for when metadata is not wanted: callers still need the SAGE id back.
    private static JsonNode PayloadSelector(bool withMetadata) => withMetadata ? JsonValue.Create(true) : new JsonArray(QdrantPayload.IdKey);

    private static JsonArray VectorJson(ReadOnlySpan<float> vector)
    {
        var array = new JsonArray();
        foreach (var value in vector)
        {
            array.Add(value);
        }

        return array;
    }
}
