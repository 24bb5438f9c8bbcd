using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Qdrant.Client;
using Wire = Qdrant.Client.Grpc;

namespace Sage.Storage.Vectors.Qdrant;

/// <summary>
/// <see cref="IVectorStore"/> over Qdrant through <see cref="QdrantClient"/> (gRPC). SAGE ids become UUIDv5 point ids
/// (<see cref="QdrantPointId"/>) with the original id and the metadata kept in the payload; writes wait for Qdrant to apply them.
/// </summary>
public sealed partial class QdrantVectorStore : IVectorStore
{
    private readonly QdrantClient _client;
    private readonly QdrantVectorStoreOptions _options;
    private readonly ConcurrentDictionary<string, (CollectionSpec Spec, long ExpiresAt)> _specs = new(StringComparer.Ordinal);

    /// <summary>Creates a store over a client the caller owns (registered by <c>AddQdrantClient</c>).</summary>
    public QdrantVectorStore(QdrantClient client, IOptions<QdrantVectorStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options.Value;
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

        var parameters = new Wire.VectorParams { Size = (ulong)spec.Dimension, Distance = ToGrpc(spec.Distance) };
        try
        {
            await CallAsync(ct => _client.CreateCollectionAsync(name, parameters, hnswConfig: ToHnswConfig(spec.Index), cancellationToken: ct), name, cancellationToken).ConfigureAwait(false);
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
            ?? throw StorageException.Unavailable($"Collection '{name}' vanished right after it was created.");
    }

    /// <inheritdoc />
    public async Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        Wire.CollectionInfo info;
        try
        {
            info = await CallAsync(ct => _client.GetCollectionInfoAsync(name, ct), name, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException ex) when (ex.Error == StorageError.NotFound)
        {
            return null;
        }

        if (info.Config?.Params?.VectorsConfig is not { ConfigCase: Wire.VectorsConfig.ConfigOneofCase.Params } vectors)
        {
            throw new StorageException(StorageError.Invalid, $"Collection '{name}' uses named vectors, which SAGE does not read.", "collection");
        }

        var spec = new CollectionSpec(checked((int)vectors.Params.Size), FromGrpc(vectors.Params.Distance, name));
        _specs[name] = (spec, Stopwatch.GetTimestamp() + (long)(_options.CollectionCacheDuration.TotalSeconds * Stopwatch.Frequency));

        var points = info.HasPointsCount ? (long)info.PointsCount : await CountAsync(name, null, cancellationToken).ConfigureAwait(false);
        // Qdrant reports no byte size; the raw float32 vectors are the honest lower bound.
        return new CollectionInfo(name, spec.Dimension, spec.Distance, points, points * spec.Dimension * sizeof(float));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken = default)
    {
        var names = await CallAsync(_client.ListCollectionsAsync, null, cancellationToken).ConfigureAwait(false);
        var infos = new List<CollectionInfo>(names.Count);
        foreach (var name in names.Order(StringComparer.Ordinal))
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
        try
        {
            await CallAsync(ct => _client.DeleteCollectionAsync(name, cancellationToken: ct), name, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageException ex) when (ex.InnerException is QdrantException)
        {
            // Qdrant answers "false" when there was no such collection, and the client turns that into an exception.
            return false;
        }
    }

    /// <summary>
    /// Returns the collection's info: Qdrant's optimizers vacuum deleted points on their own, and its API offers no
    /// "optimize now" call that a caller could wait on.
    /// </summary>
    public async Task<CollectionInfo> CompactAsync(string name, CancellationToken cancellationToken = default) =>
        await GetCollectionAsync(name, cancellationToken).ConfigureAwait(false) ?? throw CollectionNotFound(name);

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

    /// <summary>Qdrant's own HNSW takes m and ef_construct; flat is m = 0, which Qdrant documents as "no graph, full scan".</summary>
    private static Wire.HnswConfigDiff? ToHnswConfig(VectorIndexSpec? index) => index switch
    {
        null => null,
        { Type: VectorIndexType.Flat } => new Wire.HnswConfigDiff { M = 0 },
        _ => new Wire.HnswConfigDiff { M = (ulong)index.M, EfConstruct = (ulong)index.EfConstruct },
    };

    private static CollectionInfo SameSpec(CollectionInfo existing, CollectionSpec spec) =>
        existing.Dimension == spec.Dimension && existing.Distance == spec.Distance
            ? existing
            : throw new StorageException(
                StorageError.Conflict,
                $"Collection '{existing.Name}' exists with dimension {existing.Dimension} and distance {existing.Distance}.",
                "dimension");

    private static Wire.Distance ToGrpc(Distance distance) => distance switch
    {
        Distance.Dot => Wire.Distance.Dot,
        Distance.Euclid => Wire.Distance.Euclid,
        _ => Wire.Distance.Cosine,
    };

    private static Distance FromGrpc(Wire.Distance distance, string collection) => distance switch
    {
        Wire.Distance.Cosine => Distance.Cosine,
        Wire.Distance.Dot => Distance.Dot,
        Wire.Distance.Euclid => Distance.Euclid,
        _ => throw new StorageException(StorageError.Invalid, $"Collection '{collection}' uses distance {distance}, which SAGE does not read.", "collection"),
    };
}
