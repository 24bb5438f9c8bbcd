namespace Sage.Storage.Vectors.Embedded;

/// <summary>Settings of the embedded vector engine.</summary>
public sealed class EmbeddedVectorStoreOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Vdb:Embedded";

    /// <summary>
    /// Directory of the SQLite database that makes every acknowledged write durable; null keeps everything in memory
    /// only (lost at exit; the store logs a warning and reports <see cref="EmbeddedVectorStore.IsPersistent"/> false).
    /// </summary>
    public string? PersistDirectory { get; set; }

    /// <summary>The most points one upsert may carry; more is <see cref="StorageError.TooLarge"/>.</summary>
    public int MaxBatchSize { get; set; } = VectorRequestValidator.DefaultMaxBatchSize;

    /// <summary>Collections with at least this many points are scanned in parallel across cores.</summary>
    public int ParallelScanThreshold { get; set; } = 20_000;
}
