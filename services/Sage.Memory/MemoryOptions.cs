using System.ComponentModel.DataAnnotations;
using Sage.Storage.Vectors;

namespace Sage.Memory;

/// <summary>Memory service settings (<c>Sage:Memory</c>); validated at start.</summary>
public sealed class MemoryOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Sage:Memory";

    /// <summary>
    /// <c>standard</c> (default: KV and VDB over HTTP by service discovery) or <c>embedded</c> / <c>minimal</c>
    /// (both engines in-process). Alias <c>SAGE_MEMORY_MODE</c>.
    /// </summary>
    [RegularExpression("^(?i)(standard|embedded|minimal)$", ErrorMessage = "Sage:Memory:Mode (SAGE_MEMORY_MODE) must be standard, embedded or minimal.")]
    public string Mode { get; set; } = "standard";

    /// <summary>The VDB collection holding memory vectors; created on the first vector, with its dimension.</summary>
    [Required(AllowEmptyStrings = false), RegularExpression(VectorRequestValidator.CollectionNameRegex, ErrorMessage = "Sage:Memory:Collection must be 1 to 64 letters, digits, '_' or '-'.")]
    public string Collection { get; set; } = "sage_memories";

    /// <summary>Distance of the collection when Memory creates it: cosine, dot or euclid.</summary>
    [RegularExpression("^(?i)(cosine|dot|euclid)$", ErrorMessage = "Sage:Memory:Distance must be cosine, dot or euclid.")]
    public string Distance { get; set; } = "cosine";

    /// <summary>Largest <c>data</c>, as compact JSON, in bytes (413 above it). Default 1 MiB, KV's own default.</summary>
    [Range(16, 512 * 1024 * 1024)]
    public int MaxDataBytes { get; set; } = 1024 * 1024;

    /// <summary>How often vectors of expired memories are purged from VDB. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True in the in-process composition.</summary>
    public bool IsEmbedded => !Mode.Equals("standard", StringComparison.OrdinalIgnoreCase);
}
