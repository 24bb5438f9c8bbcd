using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sage.Storage.Vectors.Embedded;

/// <summary>
/// The in-process vector engine: exact SIMD top-k over contiguous float32 segments, filters applied before ranking,
/// reader/writer locking per collection, and (with <see cref="EmbeddedVectorStoreOptions.PersistDirectory"/>) every
/// acknowledged batch committed to SQLite in WAL mode before the call returns.
/// </summary>
public sealed partial class EmbeddedVectorStore : IVectorStore, IDisposable
{
    private readonly ConcurrentDictionary<string, VectorCollection> _collections = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _catalogGate = new(1, 1);
    private readonly SqliteVectorPersistence? _persistence;
    private readonly EmbeddedVectorStoreOptions _options;
    private readonly ILogger _logger;
    private volatile bool _disposed;

    /// <summary>Opens the store, loading every persisted collection when a persist directory is set.</summary>
    public EmbeddedVectorStore(EmbeddedVectorStoreOptions? options = null, ILogger<EmbeddedVectorStore>? logger = null)
    {
        _options = options ?? new EmbeddedVectorStoreOptions();
        _logger = logger ?? NullLogger<EmbeddedVectorStore>.Instance;
        if (string.IsNullOrWhiteSpace(_options.PersistDirectory))
        {
            _logger.LogWarning("Embedded vector store is IN-MEMORY ONLY (no persist directory set): every point is lost when the process exits.");
            return;
        }
        var started = Stopwatch.GetTimestamp();
        _persistence = new SqliteVectorPersistence(_options.PersistDirectory);
        long points = 0;
        foreach (var (name, spec) in _persistence.LoadCatalog())
        {
            var collection = new VectorCollection(name, spec);
            _persistence.Load(name, spec.Dimension, (id, vector, metadata) =>
                collection.Put(id, vector, metadata.IsEmpty ? null : ParseMetadata(metadata), metadata.Length));
            _collections[name] = collection;
            points += collection.LiveCount;
            // Not persisted in this version: rebuilt in the background; queries are exact until it is ready.
            collection.ResetGraph();
            BuildIndexInBackground(collection);
        }
        LoadTime = Stopwatch.GetElapsedTime(started);
        _logger.LogInformation("Embedded vector store persisting to {Path}: loaded {Collections} collections, {Points} points in {Elapsed} ms.",
            _persistence.DatabasePath, _collections.Count, points, (long)LoadTime.TotalMilliseconds);
    }

    /// <inheritdoc />
    public string Backend => "embedded";

    /// <summary>True when writes are persisted to <see cref="EmbeddedVectorStoreOptions.PersistDirectory"/>; false when in memory only.</summary>
    public bool IsPersistent => _persistence is not null;

    /// <summary>How long opening took to load the persisted collections.</summary>
    public TimeSpan LoadTime { get; }

    /// <inheritdoc />
    public async Task<CollectionInfo> CreateCollectionAsync(string name, CollectionSpec spec, CancellationToken cancellationToken = default)
    {
        VectorRequestValidator.ValidateCollectionName(name);
        VectorRequestValidator.ValidateSpec(spec);
        await _catalogGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            if (_collections.TryGetValue(name, out var existing))
            {
                return existing.Spec == spec
                    ? await GetInfoAsync(existing).ConfigureAwait(false)
                    : throw new StorageException(StorageError.Conflict,
                        $"Collection '{name}' exists with dimension {existing.Dimension} and distance {existing.Spec.Distance}; asked for {spec.Dimension} and {spec.Distance}.", "collection");
            }
            _persistence?.CreateCollection(name, spec);
            var collection = new VectorCollection(name, spec);
            // Empty, so the graph is ready at once and every upsert enters it incrementally.
            if (collection.ResetGraph() is { } graph)
            {
                collection.BuildGraphStep(graph, 0);
            }
            _collections[name] = collection;
            return collection.Info;
        }
        finally
        {
            _catalogGate.Release();
        }
    }

    /// <inheritdoc />
    public Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        VectorRequestValidator.ValidateCollectionName(name);
        ThrowIfDisposed();
        return _collections.TryGetValue(name, out var collection)
            ? Read(collection, c => (CollectionInfo?)c.Info)
            : Task.FromResult<CollectionInfo?>(null);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var result = new List<CollectionInfo>(_collections.Count);
        foreach (var collection in _collections.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (!collection.Dropped)
            {
                result.Add(await GetInfoAsync(collection).ConfigureAwait(false));
            }
        }
        return result;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        VectorRequestValidator.ValidateCollectionName(name);
        await _catalogGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            if (!_collections.TryGetValue(name, out var collection))
            {
                return false;
            }
            await collection.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                _persistence?.DropCollection(name);
                collection.Dropped = true;
                _collections.TryRemove(name, out _);
                return true;
            }
            finally
            {
                collection.WriteGate.Release();
            }
        }
        finally
        {
            _catalogGate.Release();
        }
    }

    /// <inheritdoc />
    public Task<CollectionInfo> CompactAsync(string name, CancellationToken cancellationToken = default) =>
        WriteAsync(name, collection =>
        {
            collection.Lock.EnterWriteLock();
            try
            {
                collection.Compact();
            }
            finally
            {
                collection.Lock.ExitWriteLock();
            }
            BuildIndexInBackground(collection);
            _persistence?.Checkpoint();
            return collection.Info;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        if (_disposed)
        {
            throw StorageException.Unavailable("The embedded vector store has been disposed.");
        }
        return Task.FromResult(TimeSpan.Zero);
    }

    /// <summary>Closes the database; later calls fail.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        // Wait for in-flight writers so no transaction is cut off mid-way.
        foreach (var collection in _collections.Values)
        {
            collection.WriteGate.Wait();
            collection.WriteGate.Release();
        }
        _persistence?.Dispose();
    }

    /// <summary>Slots inserted per read-lock hold: short enough that a waiting writer is delayed by milliseconds only.</summary>
    private const int IndexBuildStep = 256;

    /// <summary>
    /// Builds an unbuilt HNSW graph off the request path, a step at a time under the read lock, so the service starts
    /// and answers at once (exactly) while it builds, and writes interleave with the build.
    /// </summary>
    private void BuildIndexInBackground(VectorCollection collection)
    {
        if (collection.Graph is not { Ready: false } graph)
        {
            return;
        }
        _ = Task.Run(() =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var more = true;
                while (more && !_disposed)
                {
                    collection.Lock.EnterReadLock();
                    try
                    {
                        more = collection.BuildGraphStep(graph, IndexBuildStep);
                    }
                    finally
                    {
                        collection.Lock.ExitReadLock();
                    }
                }
                if (graph.Ready)
                {
                    _logger.LogInformation("HNSW index of collection {Collection} ready: {Points} points in {Elapsed} ms.",
                        collection.Name, graph.Inserted, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
            catch (Exception ex)
            {
                // Queries stay exact (correct, slower); the failure must not take the process down.
                _logger.LogError(ex, "Building the HNSW index of collection {Collection} failed; queries stay exact.", collection.Name);
            }
        });
    }

    private static JsonElement ParseMetadata(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        return JsonElement.ParseValue(ref reader);
    }

    private static Task<CollectionInfo> GetInfoAsync(VectorCollection collection) => Read(collection, c => c.Info);

    private VectorCollection Resolve(string name)
    {
        VectorRequestValidator.ValidateCollectionName(name);
        ThrowIfDisposed();
        return _collections.TryGetValue(name, out var collection) ? collection : throw NotFound(name);
    }

    private static StorageException NotFound(string name) =>
        new(StorageError.NotFound, $"Collection '{name}' does not exist.", "collection");

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw StorageException.Unavailable("The embedded vector store has been disposed.");
        }
    }

    /// <summary>Runs a read under the collection's read lock; queries run concurrently with each other.</summary>
    private static Task<T> Read<T>(VectorCollection collection, Func<VectorCollection, T> read)
    {
        collection.Lock.EnterReadLock();
        try
        {
            return collection.Dropped ? throw NotFound(collection.Name) : Task.FromResult(read(collection));
        }
        finally
        {
            collection.Lock.ExitReadLock();
        }
    }

    /// <summary>Runs a write with the collection's writers serialised; the work persists first, then mutates under the write lock.</summary>
    private async Task<T> WriteAsync<T>(string name, Func<VectorCollection, T> write, CancellationToken cancellationToken)
    {
        var collection = Resolve(name);
        await collection.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            return collection.Dropped ? throw NotFound(name) : write(collection);
        }
        finally
        {
            collection.WriteGate.Release();
        }
    }
}
