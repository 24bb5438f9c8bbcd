using System.ComponentModel.DataAnnotations;

namespace Sage.Storage.Kv;

/// <summary>Limits of the in-process KV store (<c>Sage:Kv:Memory</c>), so it fails clearly instead of growing without bound.</summary>
public sealed class InMemoryKvStoreOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Sage:Kv:Memory";

    /// <summary>Most keys held at once. Default one million.</summary>
    [Range(1, int.MaxValue)]
    public int MaxEntries { get; set; } = 1_000_000;

    /// <summary>Most bytes of keys and values held at once. Default 512 MiB.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Configuration key of <see cref="PersistDirectory"/>, beside <c>Sage:Vdb:PersistDirectory</c>.</summary>
    public const string PersistDirectoryKey = "Sage:Kv:PersistDirectory";

    /// <summary>The environment alias of <see cref="PersistDirectoryKey"/>.</summary>
    public const string PersistDirectoryAlias = "SAGE_KV_PERSIST_DIR";

    /// <summary>
    /// Where every write is journalled (SQLite, WAL) and loaded from at start; unset keeps everything in memory only.
    /// Read from <see cref="PersistDirectoryKey"/> (alias <see cref="PersistDirectoryAlias"/>), not from this section.
    /// </summary>
    public string? PersistDirectory { get; set; }

    /// <summary>How often expired keys are swept out (reads also drop them lazily). Default 5 s.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}
