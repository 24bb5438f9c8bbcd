using Microsoft.Extensions.Options;
using Sage.Storage;
using Sage.Storage.Vectors;

namespace Sage.Vdb.Extensions;

/// <summary>
/// The collection behind the seed routes: created at start when its dimension is configured, otherwise on the first insert
/// with that insert's dimension. Logs where vectors live, so an in-memory-only run is never mistaken for a durable one.
/// </summary>
public sealed class DefaultCollection(IVectorStore store, IOptions<VdbOptions> options, ILogger<DefaultCollection> logger) : IHostedService
{
    public string Name => options.Value.Collection;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        logger.LogInformation("VDB backend: {Backend}; default collection '{Collection}'{Persistence}", store.Backend, settings.Collection,
            store.Backend == "embedded"
                ? settings.PersistDirectory is { Length: > 0 } dir ? $"; persisted to {Path.GetFullPath(dir)}" : "; IN-MEMORY ONLY (set SAGE_VDB_PERSIST_DIR to persist)"
                : "");
        if (settings.Dimension is { } dimension)
        {
            try
            {
                await store.CreateCollectionAsync(settings.Collection, new CollectionSpec(dimension, DistanceNames.Parse(settings.Distance, "distance")), cancellationToken);
            }
            catch (StorageException e) when (e.Error == StorageError.Unavailable)
            {
                // The backend may come up after us; the first insert creates the collection then.
                logger.LogWarning("Could not create the default collection yet: {Message}", e.Message);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the default collection for a first insert of <paramref name="dimension"/>, unless it exists.</summary>
    public async Task EnsureAsync(int dimension, CancellationToken cancellationToken)
    {
        if (await store.GetCollectionAsync(Name, cancellationToken) is not null || dimension < 1)
            return;
        try
        {
            await store.CreateCollectionAsync(Name, new CollectionSpec(dimension, DistanceNames.Parse(options.Value.Distance, "distance")), cancellationToken);
        }
        catch (StorageException e) when (e.Error == StorageError.Conflict)
        {
            // A concurrent first insert created it with another dimension; the upsert then reports the mismatch.
        }
    }
}
