using System.Diagnostics;
using Sage.Client.Vdb;
using Sage.Storage;
using Sage.Storage.Vectors;

namespace Sage.Memory.Remote;

/// <summary>
/// <see cref="IVectorStore"/> over the VDB service (the Memory service's <c>standard</c> mode), on its named-collection routes.
/// Each call is one request, except where the API has no exact match: a multi-id get is a <c>has_id</c> scroll, and a 404 on a
/// single point is told apart from a missing collection by asking for the collection.
/// </summary>
public sealed class RemoteVectorStore(VdbClient client) : IVectorStore
{
    private const string Service = "vdb";

    /// <summary><c>remote</c>: the engine behind the VDB service is that service's own business (see its <c>/health</c>).</summary>
    public string Backend => "remote";

    /// <inheritdoc />
    public async Task<CollectionInfo> CreateCollectionAsync(string name, CollectionSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var request = new CreateCollectionRequest(spec.Dimension, spec.Distance.ToName());
        return ToInfo(await CallAsync(() => client.CreateCollectionAsync(name, request, cancellationToken), cancellationToken));
    }

    /// <inheritdoc />
    public async Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken = default) =>
        await CallAsync(() => client.GetCollectionAsync(name, cancellationToken), cancellationToken) is { } info ? ToInfo(info) : null;

    /// <inheritdoc />
    public async Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken = default) =>
        [.. (await CallAsync(() => client.ListCollectionsAsync(cancellationToken), cancellationToken)).Collections.Select(ToInfo)];

    /// <inheritdoc />
    public Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync(() => client.DeleteCollectionAsync(name, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public async Task<CollectionInfo> CompactAsync(string name, CancellationToken cancellationToken = default) =>
        ToInfo(await CallAsync(() => client.CompactCollectionAsync(name, cancellationToken), cancellationToken));

    /// <inheritdoc />
    public async Task UpsertAsync(string collection, IReadOnlyList<VectorPoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        var records = new VectorRecord[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            RequireFinite(points[i].Vector.Span, $"vectors[{i}].vector");
            records[i] = new VectorRecord(points[i].Id, points[i].Vector.ToArray(), points[i].Metadata);
        }
        await CallAsync(() => client.UpsertAsync(records, collection, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredPoint>> GetAsync(string collection, IReadOnlyList<string> ids, bool withVector = true, bool withMetadata = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
            return [];
        if (ids is [var single] && single is { Length: > 0 } and not "." and not "..")
        {
            // The common case (one memory) takes the one-point route.
            var record = await CallAsync(() => client.GetAsync(single, collection, cancellationToken), cancellationToken);
            if (record is null)
            {
                await RequireCollectionAsync(collection, cancellationToken);
                return [];
            }
            return [ToStored(record, withVector, withMetadata)];
        }

        var found = new Dictionary<string, StoredPoint>(StringComparer.Ordinal);
        var filter = VectorFilterJson.From(new VectorFilter(Must: [new HasIdCondition([.. ids.Distinct(StringComparer.Ordinal)])]));
        string? cursor = null;
        do
        {
            var request = new ScrollVectorsRequest(filter, cursor, Math.Min(found.Count + ids.Count, 1000), withVector, withMetadata);
            var page = await CallAsync(() => client.ScrollAsync(request, collection, cancellationToken), cancellationToken);
            foreach (var point in page.Points)
                found[point.Id] = ToStored(point, withVector, withMetadata);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return [.. ids.Where(found.ContainsKey).Select(id => found[id])];
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(string collection, PointUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Vector is { } vector)
            RequireFinite(vector.Span, "vector");
        var request = new UpdateVectorRequest(update.Vector?.ToArray(), update.Metadata);
        if (await CallAsync(() => client.UpdateAsync(update.Id, request, collection, cancellationToken), cancellationToken) is not null)
            return true;
        await RequireCollectionAsync(collection, cancellationToken);
        return false;
    }

    /// <inheritdoc />
    public async Task<long> DeleteAsync(string collection, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
            return 0;
        var answer = await CallAsync(() => client.DeleteManyAsync(new DeleteVectorsRequest(Ids: ids), collection, cancellationToken), cancellationToken);
        return answer.Deleted;
    }

    /// <inheritdoc />
    public async Task<long> DeleteByFilterAsync(string collection, VectorFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // IVectorStore deletes whatever the filter matches, even every point; VDB asks for that to be said with "all".
        var request = new DeleteVectorsRequest(Filter: VectorFilterJson.From(filter), All: true);
        return (await CallAsync(() => client.DeleteManyAsync(request, collection, cancellationToken), cancellationToken)).Deleted;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ScoredPoint>> QueryAsync(string collection, VectorQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        RequireFinite(query.Vector.Span, "vector");
        var request = new QueryVectorsRequest(query.Vector.ToArray(), query.TopK, VectorFilterJson.From(query.Filter), query.ScoreThreshold,
            query.WithVector, query.WithMetadata);
        var answer = await CallAsync(() => client.QueryAsync(request, collection, cancellationToken), cancellationToken);
        return [.. answer.Results.Select(hit => new ScoredPoint(hit.Id, hit.Score,
            query.WithVector ? Memory(hit.Vector) : null, query.WithMetadata ? hit.Metadata : null))];
    }

    /// <inheritdoc />
    public async Task<ScrollPage> ScrollAsync(string collection, ScrollRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wire = new ScrollVectorsRequest(VectorFilterJson.From(request.Filter), request.Cursor, request.Limit, request.WithVector, request.WithMetadata);
        var page = await CallAsync(() => client.ScrollAsync(wire, collection, cancellationToken), cancellationToken);
        return new ScrollPage([.. page.Points.Select(p => ToStored(p, request.WithVector, request.WithMetadata))], page.NextCursor);
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(string collection, VectorFilter? filter = null, CancellationToken cancellationToken = default) =>
        (await CallAsync(() => client.CountAsync(new CountVectorsRequest(VectorFilterJson.From(filter)), collection, cancellationToken), cancellationToken)).Count;

    /// <inheritdoc />
    /// <remarks>Times <c>GET /health</c>, which checks the VDB service's own backend too; an unhealthy report is Unavailable.</remarks>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var health = await CallAsync(() => client.GetHealthAsync(cancellationToken), cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (!health.IsHealthy)
            throw StorageException.Unavailable($"The {Service} service at {client.HttpClient.BaseAddress} reports {health.Status}{RemoteKvStore.Describe(health)}.");
        // /health is open to anyone, so only a route that needs the key shows whether VDB accepts ours.
        await CallAsync(() => client.ListCollectionsAsync(cancellationToken), cancellationToken);
        return elapsed;
    }

    // A 404 on one point means either a missing point or a missing collection; only the latter is an error.
    private async Task RequireCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        if (await CallAsync(() => client.GetCollectionAsync(collection, cancellationToken), cancellationToken) is null)
            throw new StorageException(StorageError.NotFound, $"No collection is named '{collection}'.");
    }

    // JSON has no NaN or infinity, so such a vector cannot even be sent; refuse it as the service would.
    private static void RequireFinite(ReadOnlySpan<float> vector, string field)
    {
        foreach (var value in vector)
        {
            if (!float.IsFinite(value))
                throw StorageException.Invalid(field, $"{field} holds {value}; every component must be a finite number.");
        }
    }

    private Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken) =>
        RemoteErrors.CallAsync(Service, client.HttpClient, call, cancellationToken);

    private Task CallAsync(Func<Task> call, CancellationToken cancellationToken) =>
        RemoteErrors.CallAsync(Service, client.HttpClient, async () => { await call(); return true; }, cancellationToken);

    // Not a conditional expression: there `null` would convert through float[] into an empty, non-null ReadOnlyMemory.
    private static ReadOnlyMemory<float>? Memory(float[]? vector)
    {
        ReadOnlyMemory<float>? memory = null;
        if (vector is not null)
            memory = vector;
        return memory;
    }

    private static StoredPoint ToStored(VectorRecord record, bool withVector, bool withMetadata) =>
        new(record.Id, withVector ? Memory(record.Vector) : null, withMetadata ? record.Metadata : null);

    private static CollectionInfo ToInfo(CollectionResponse info) => new(info.Name, info.Dimension, DistanceOf(info.Distance), info.PointCount, info.BytesUsed);

    // The service only ever answers a known name; cosine is the default, as there.
    private static Distance DistanceOf(string distance) => DistanceNames.TryParse(distance, out var parsed) ? parsed : Distance.Cosine;
}
