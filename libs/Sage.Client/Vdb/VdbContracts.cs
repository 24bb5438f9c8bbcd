using System.Text.Json;

namespace Sage.Client.Vdb;

/// <summary>A point on the wire: string id, float vector, JSON object metadata.</summary>
public sealed record VectorRecord(string Id, float[]? Vector, JsonElement? Metadata = null);

/// <summary><c>POST /vectors</c>: insert or replace a batch, all or none.</summary>
public sealed record UpsertVectorsRequest(IReadOnlyList<VectorRecord> Vectors);

/// <summary>How many points were written, and where.</summary>
public sealed record UpsertVectorsResponse(string Collection, int Upserted);

/// <summary>
/// <c>POST /vectors/query</c>: top-k nearest points among those matching <paramref name="Filter"/> (Qdrant filter subset).
/// On an HNSW collection <paramref name="Exact"/> true forces the exact scan and <paramref name="Ef"/> (1..10000) widens the search beam.
/// </summary>
public sealed record QueryVectorsRequest(
    float[]? Vector,
    int? TopK = null,
    JsonElement? Filter = null,
    float? ScoreThreshold = null,
    bool? WithVector = null,
    bool? WithMetadata = null,
    bool? Exact = null,
    int? Ef = null);

/// <summary>One hit: cosine similarity or dot product (higher is better) or euclidean distance (lower is better).</summary>
public sealed record VectorHit(string Id, float Score, float[]? Vector = null, JsonElement? Metadata = null);

/// <summary>Hits, best first.</summary>
public sealed record QueryVectorsResponse(IReadOnlyList<VectorHit> Results);

/// <summary><c>PUT /vectors/{id}</c>: replace the vector and/or the metadata (an absent part is left as it is).</summary>
public sealed record UpdateVectorRequest(float[]? Vector = null, JsonElement? Metadata = null);

/// <summary>
/// <c>POST /vectors/delete</c>: by <paramref name="Ids"/> or by <paramref name="Filter"/>, exactly one of them. A filter that is
/// empty or matches every point needs <paramref name="All"/> true; <paramref name="All"/> alone deletes every point.
/// </summary>
public sealed record DeleteVectorsRequest(IReadOnlyList<string>? Ids = null, JsonElement? Filter = null, bool? All = null);

/// <summary>How many points were deleted.</summary>
public sealed record DeleteVectorsResponse(long Deleted);

/// <summary><c>POST /vectors/scroll</c>: a page of points in a stable order; pass <c>next_cursor</c> back as <paramref name="Cursor"/>.</summary>
public sealed record ScrollVectorsRequest(JsonElement? Filter = null, string? Cursor = null, int? Limit = null, bool? WithVector = null, bool? WithMetadata = null);

/// <summary>One page of points; <paramref name="NextCursor"/> is null at the end.</summary>
public sealed record ScrollVectorsResponse(IReadOnlyList<VectorRecord> Points, string? NextCursor);

/// <summary><c>POST /vectors/count</c>.</summary>
public sealed record CountVectorsRequest(JsonElement? Filter = null);

/// <summary>How many points match.</summary>
public sealed record CountVectorsResponse(long Count);

/// <summary>
/// <c>PUT /collections/{name}</c>: <paramref name="Distance"/> is <c>cosine</c> (default), <c>dot</c> or <c>euclid</c>;
/// <paramref name="Index"/> absent means <c>flat</c> (exact scan).
/// </summary>
public sealed record CreateCollectionRequest(int Dimension, string? Distance = null, CollectionIndex? Index = null);

/// <summary>A collection's index: <c>hnsw</c> or <c>flat</c>; <paramref name="M"/> (default 16) and <paramref name="EfConstruct"/> (default 100) tune HNSW.</summary>
public sealed record CollectionIndex(string? Type = null, int? M = null, int? EfConstruct = null);

/// <summary>The index as it stands: <paramref name="State"/> <c>ready</c>, or <c>building</c> with <paramref name="Progress"/> 0..1 (queries are exact meanwhile).</summary>
public sealed record CollectionIndexStatus(string Type, int M, int EfConstruct, string State, double Progress);

/// <summary>What a collection is and holds; <paramref name="Index"/> is null when the backend does not report one.</summary>
public sealed record CollectionResponse(string Name, int Dimension, string Distance, long PointCount, long BytesUsed, CollectionIndexStatus? Index = null);

/// <summary><c>GET /collections</c>.</summary>
public sealed record CollectionListResponse(IReadOnlyList<CollectionResponse> Collections);
