using System.ComponentModel.DataAnnotations;

namespace Sage.Kv;

/// <summary>KV service settings (<c>Sage:Kv</c>); validated at start.</summary>
public sealed class KvOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Sage:Kv";

    /// <summary>
    /// <c>memory</c> or <c>redis</c> (alias <c>SAGE_KV_BACKEND</c>). Unset: <c>redis</c> when a Redis connection string
    /// is configured (<c>ConnectionStrings__redis</c>, <c>REDIS_URI</c>, <c>SAGE_REDIS_URL</c>), else <c>memory</c>.
    /// </summary>
    public string? Backend { get; set; }

    /// <summary>Prefix of every key the Redis backend writes, so nothing else in the same Redis is visible or deletable.</summary>
    [Required(AllowEmptyStrings = false)]
    public string RedisKeyPrefix { get; set; } = "sage:kv:";

    /// <summary>Largest value, as compact JSON, in bytes (413 above it). Default 1 MiB.</summary>
    [Range(16, 512 * 1024 * 1024)]
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>Most keys in one batch request (413 above it).</summary>
    [Range(1, 100_000)]
    public int MaxBatchItems { get; set; } = 1000;

    /// <summary>Largest page a list request may ask for.</summary>
    [Range(1, 100_000)]
    public int MaxListLimit { get; set; } = 1000;
}
