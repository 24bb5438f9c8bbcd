namespace Sage.Storage.Vectors.Qdrant;

/// <summary>Settings of the Qdrant backend itself; where Qdrant is comes from the registered <c>QdrantClient</c>.</summary>
public sealed class QdrantVectorStoreOptions
{
    /// <summary>The configuration section these options bind from: <c>Sage:Vdb:Qdrant</c>.</summary>
    public const string SectionName = "Sage:Vdb:Qdrant";

    /// <summary>How long one call to Qdrant may take before Qdrant counts as unavailable.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a collection's dimension and distance are remembered for local validation.</summary>
    public TimeSpan CollectionCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most points one upsert may carry; more is <see cref="StorageError.TooLarge"/>.</summary>
    public int MaxBatchSize { get; set; } = VectorRequestValidator.DefaultMaxBatchSize;

    /// <summary>The first problem with these options, naming the setting, or null when they are usable.</summary>
    public string? Validate() =>
        Timeout <= TimeSpan.Zero ? $"{SectionName}:{nameof(Timeout)} must be positive."
        : CollectionCacheDuration < TimeSpan.Zero ? $"{SectionName}:{nameof(CollectionCacheDuration)} must not be negative."
        : MaxBatchSize <= 0 ? $"{SectionName}:{nameof(MaxBatchSize)} must be positive."
        : null;
}
