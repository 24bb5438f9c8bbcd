namespace Sage.Client.Vdb;

/// <summary>
/// Typed client for the VDB service: the point routes on the default collection (<c>/vectors…</c>) or, when a
/// <c>collection</c> is given, on that named collection (<c>/collections/{collection}/vectors…</c>), and the collection routes.
/// Errors surface as <see cref="SageApiException"/>. A 404 on a single-item read or delete is null / false — note that the service
/// answers 404 both for a missing point and for a missing collection.
/// </summary>
/// <param name="http">An HttpClient whose base address is the VDB service (e.g. <c>https+http://vdb</c> with service discovery).</param>
public sealed class VdbClient(HttpClient http)
{
    /// <summary>The HttpClient this client sends through.</summary>
    public HttpClient HttpClient { get; } = http ?? throw new ArgumentNullException(nameof(http));

    /// <summary><c>POST …/vectors</c>: inserts or replaces the points, all or none. On the default collection, the first insert creates it.</summary>
    public Task<UpsertVectorsResponse> UpsertAsync(IReadOnlyList<VectorRecord> vectors, string? collection = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        return SageHttp.SendAsync<UpsertVectorsResponse>(HttpClient,
            SageHttp.Request(HttpMethod.Post, Points(collection), new UpsertVectorsRequest(vectors)), cancellationToken);
    }

    /// <summary><c>POST …/vectors/query</c>: the top-k nearest points, best first. Read-only, so marked retryable.</summary>
    public Task<QueryVectorsResponse> QueryAsync(QueryVectorsRequest request, string? collection = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SageHttp.SendAsync<QueryVectorsResponse>(HttpClient,
            SageHttp.Request(HttpMethod.Post, Points(collection) + "/query", request, idempotent: true), cancellationToken);
    }

    /// <summary><c>GET …/vectors/{id}</c>: the point with its vector and metadata; null when it (or the collection) does not exist.</summary>
    public Task<VectorRecord?> GetAsync(string id, string? collection = null, CancellationToken cancellationToken = default) =>
        SageHttp.SendOrNullAsync<VectorRecord>(HttpClient, SageHttp.Request(HttpMethod.Get, Point(collection, id)), cancellationToken);

    /// <summary>
    /// <c>PUT …/vectors/{id}</c>: replaces the vector and/or the metadata (an absent part stays); the point as it now is,
    /// or null when it (or the collection) does not exist.
    /// </summary>
    public Task<VectorRecord?> UpdateAsync(string id, UpdateVectorRequest request, string? collection = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SageHttp.SendOrNullAsync<VectorRecord>(HttpClient, SageHttp.Request(HttpMethod.Put, Point(collection, id), request), cancellationToken);
    }

    /// <summary><c>DELETE …/vectors/{id}</c>: true when deleted, false when the point (or the collection) does not exist.</summary>
    public Task<bool> DeleteAsync(string id, string? collection = null, CancellationToken cancellationToken = default) =>
        SageHttp.SendFoundAsync(HttpClient, SageHttp.Request(HttpMethod.Delete, Point(collection, id)), cancellationToken);

    /// <summary><c>POST …/vectors/delete</c>: deletes by ids or by filter (exactly one); how many were deleted.</summary>
    public Task<DeleteVectorsResponse> DeleteManyAsync(DeleteVectorsRequest request, string? collection = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SageHttp.SendAsync<DeleteVectorsResponse>(HttpClient,
            SageHttp.Request(HttpMethod.Post, Points(collection) + "/delete", request), cancellationToken);
    }

    /// <summary><c>POST …/vectors/scroll</c>: one page of points in a stable order. Read-only, so marked retryable.</summary>
    public Task<ScrollVectorsResponse> ScrollAsync(ScrollVectorsRequest request, string? collection = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SageHttp.SendAsync<ScrollVectorsResponse>(HttpClient,
            SageHttp.Request(HttpMethod.Post, Points(collection) + "/scroll", request, idempotent: true), cancellationToken);
    }

    /// <summary><c>POST …/vectors/count</c>: how many points match the filter (all without one). Read-only, so marked retryable.</summary>
    public Task<CountVectorsResponse> CountAsync(CountVectorsRequest? request = null, string? collection = null, CancellationToken cancellationToken = default) =>
        SageHttp.SendAsync<CountVectorsResponse>(HttpClient,
            SageHttp.Request(HttpMethod.Post, Points(collection) + "/count", request ?? new CountVectorsRequest(), idempotent: true), cancellationToken);

    /// <summary><c>GET /collections</c>: every collection.</summary>
    public Task<CollectionListResponse> ListCollectionsAsync(CancellationToken cancellationToken = default) =>
        SageHttp.SendAsync<CollectionListResponse>(HttpClient, SageHttp.Request(HttpMethod.Get, "collections"), cancellationToken);

    /// <summary><c>PUT /collections/{name}</c>: creates a collection; a no-op when it exists with the same shape, 409 when with another.</summary>
    public Task<CollectionResponse> CreateCollectionAsync(string name, CreateCollectionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SageHttp.SendAsync<CollectionResponse>(HttpClient, SageHttp.Request(HttpMethod.Put, Collection(name), request), cancellationToken);
    }

    /// <summary><c>GET /collections/{name}</c>: the collection's info; null when it does not exist.</summary>
    public Task<CollectionResponse?> GetCollectionAsync(string name, CancellationToken cancellationToken = default) =>
        SageHttp.SendOrNullAsync<CollectionResponse>(HttpClient, SageHttp.Request(HttpMethod.Get, Collection(name)), cancellationToken);

    /// <summary><c>DELETE /collections/{name}</c>: true when deleted, false when it did not exist.</summary>
    public Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken = default) =>
        SageHttp.SendFoundAsync(HttpClient, SageHttp.Request(HttpMethod.Delete, Collection(name)), cancellationToken);

    /// <summary><c>POST /collections/{name}/compact</c>: reclaims the space of deleted points; the collection's info after.</summary>
    public Task<CollectionResponse> CompactCollectionAsync(string name, CancellationToken cancellationToken = default) =>
        SageHttp.SendAsync<CollectionResponse>(HttpClient, SageHttp.Request(HttpMethod.Post, Collection(name) + "/compact"), cancellationToken);

    /// <summary><c>GET /health</c>: the service's checks, its backend's included (an unhealthy report is returned, not thrown).</summary>
    public Task<ServiceHealth> GetHealthAsync(CancellationToken cancellationToken = default) => ServiceHealth.GetAsync(HttpClient, cancellationToken);

    private static string Collection(string name) => "collections/" + SageHttp.Segment(name, nameof(name));

    private static string Points(string? collection) => collection is null ? "vectors" : Collection(collection) + "/vectors";

    private static string Point(string? collection, string id) => Points(collection) + "/" + SageHttp.Segment(id, nameof(id));
}
