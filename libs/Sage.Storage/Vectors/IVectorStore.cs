using System.Text.Json;

namespace Sage.Storage.Vectors;

/// <summary>
/// A store of vectors with string ids and JSON metadata in named collections.
/// Implementations: the embedded engine (default) and the Qdrant backend (Qdrant.Client, gRPC); both pass one contract suite.
/// Expected failures are <see cref="StorageException"/>s naming the field at fault.
/// </summary>
public interface IVectorStore
{
    /// <summary>Short backend name for health and logs: <c>embedded</c> or <c>qdrant</c>.</summary>
    string Backend { get; }

    /// <summary>Creates a collection; a no-op when it exists with the same spec, Conflict when it exists with another.</summary>
    Task<CollectionInfo> CreateCollectionAsync(string name, CollectionSpec spec, CancellationToken cancellationToken = default);

    /// <summary>The collection's info, or null when it does not exist.</summary>
    Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every collection, by name.</summary>
    Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a collection and its points; false when it did not exist.</summary>
    Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Reclaims the space of deleted points. NotFound for an unknown collection.</summary>
    Task<CollectionInfo> CompactAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts or replaces a batch of points, all or none. Invalid (naming <c>vectors[i].…</c>) for a wrong dimension,
    /// non-finite or empty vectors, duplicate ids; NotFound for an unknown collection.
    /// </summary>
    Task UpsertAsync(string collection, IReadOnlyList<VectorPoint> points, CancellationToken cancellationToken = default);

    /// <summary>The points with these ids that exist, in the order asked.</summary>
    Task<IReadOnlyList<StoredPoint>> GetAsync(string collection, IReadOnlyList<string> ids, bool withVector = true, bool withMetadata = true, CancellationToken cancellationToken = default);

    /// <summary>Replaces a point's vector and/or metadata (null leaves that part as it is); false when the point does not exist.</summary>
    Task<bool> UpdateAsync(string collection, PointUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Deletes points by id; returns how many existed.</summary>
    Task<long> DeleteAsync(string collection, IReadOnlyList<string> ids, CancellationToken cancellationToken = default);

    /// <summary>Deletes every point matching <paramref name="filter"/>; returns how many.</summary>
    Task<long> DeleteByFilterAsync(string collection, VectorFilter filter, CancellationToken cancellationToken = default);

    /// <summary>
    /// The best <see cref="VectorQuery.TopK"/> points among those matching the filter (filter before ranking),
    /// best first: highest cosine similarity or dot product, lowest euclidean distance.
    /// </summary>
    Task<IReadOnlyList<ScoredPoint>> QueryAsync(string collection, VectorQuery query, CancellationToken cancellationToken = default);

    /// <summary>A page of points matching the filter, in a stable order, continued with an opaque cursor.</summary>
    Task<ScrollPage> ScrollAsync(string collection, ScrollRequest request, CancellationToken cancellationToken = default);

    /// <summary>How many points match <paramref name="filter"/> (all when null).</summary>
    Task<long> CountAsync(string collection, VectorFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Round trip to the backend; throws <see cref="StorageException"/> (Unavailable) when it is down.</summary>
    Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default);
}

/// <summary>How similarity is scored, as Qdrant defines it.</summary>
public enum Distance
{
    /// <summary>Cosine similarity, higher is better.</summary>
    Cosine,
    /// <summary>Dot product, higher is better.</summary>
    Dot,
    /// <summary>Euclidean distance, lower is better.</summary>
    Euclid,
}

/// <summary>The fixed shape of a collection, and the index it is created with (null: the backend's default).</summary>
public sealed record CollectionSpec(int Dimension, Distance Distance = Distance.Cosine)
{
    /// <summary>The search index; null leaves the backend's default (exact scan in the embedded engine).</summary>
    public VectorIndexSpec? Index { get; init; }

    /// <summary>
    /// Same shape: dimension and distance. The index is left out on purpose: re-creating a collection with another
    /// index is not a conflict about its data, and changing the index is a separate operation.
    /// </summary>
    public bool Equals(CollectionSpec? other) => other is not null && Dimension == other.Dimension && Distance == other.Distance;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Dimension, Distance);
}

/// <summary>How a collection is searched: <see cref="Flat"/> scans every point (exact), <see cref="Hnsw"/> walks a graph (approximate).</summary>
public enum VectorIndexType
{
    /// <summary>Exact scan of every point.</summary>
    Flat,
    /// <summary>Hierarchical navigable small world graph: approximate, sub-linear.</summary>
    Hnsw,
}

/// <summary>Index settings: <paramref name="M"/> links per node and <paramref name="EfConstruct"/> beam width while building (HNSW only).</summary>
public sealed record VectorIndexSpec(VectorIndexType Type = VectorIndexType.Flat, int M = VectorIndexSpec.DefaultM, int EfConstruct = VectorIndexSpec.DefaultEfConstruct)
{
    /// <summary>Qdrant's default too.</summary>
    public const int DefaultM = 16;

    /// <summary>Qdrant's default too.</summary>
    public const int DefaultEfConstruct = 100;
}

/// <summary>An index and its state: <c>ready</c>, or <c>building</c> with <paramref name="Progress"/> in 0..1 (queries are exact meanwhile).</summary>
public sealed record VectorIndexInfo(VectorIndexType Type, int M, int EfConstruct, string State, double Progress);

/// <summary>What a collection is and holds.</summary>
public sealed record CollectionInfo(string Name, int Dimension, Distance Distance, long PointCount, long BytesUsed)
{
    /// <summary>The index and its state; null when the backend does not report one.</summary>
    public VectorIndexInfo? Index { get; init; }
}

/// <summary>A point to write: id, vector and optional JSON object metadata.</summary>
public sealed record VectorPoint(string Id, ReadOnlyMemory<float> Vector, JsonElement? Metadata = null);

/// <summary>A point as read back; vector or metadata are null when not asked for.</summary>
public sealed record StoredPoint(string Id, ReadOnlyMemory<float>? Vector, JsonElement? Metadata);

/// <summary>A point with its score for a query.</summary>
public sealed record ScoredPoint(string Id, float Score, ReadOnlyMemory<float>? Vector, JsonElement? Metadata);

/// <summary>A partial update of one point.</summary>
public sealed record PointUpdate(string Id, ReadOnlyMemory<float>? Vector = null, JsonElement? Metadata = null);

/// <summary>
/// A top-k query. <paramref name="Exact"/> forces the exact scan on an indexed collection; <paramref name="Ef"/> is the
/// HNSW search beam (at least <paramref name="TopK"/> is used; larger is slower and closer to exact).
/// </summary>
public sealed record VectorQuery(
    ReadOnlyMemory<float> Vector,
    int TopK = 10,
    VectorFilter? Filter = null,
    float? ScoreThreshold = null,
    bool WithVector = false,
    bool WithMetadata = true,
    bool Exact = false,
    int? Ef = null);

/// <summary>A request for one page of points.</summary>
public sealed record ScrollRequest(VectorFilter? Filter = null, string? Cursor = null, int Limit = 100, bool WithVector = false, bool WithMetadata = true);

/// <summary>One page of points; <see cref="NextCursor"/> is null at the end.</summary>
public sealed record ScrollPage(IReadOnlyList<StoredPoint> Points, string? NextCursor);
