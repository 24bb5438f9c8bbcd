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

    /// <summary>How often <see cref="Memories.MemoryReconciler"/> walks every vector and record in the background. Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "7.00:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Points or records read per page of a reconcile run. Default 200.</summary>
    [Range(1, 1000)]
    public int ReconcilePageSize { get; set; } = 200;

    /// <summary>
    /// Pause between two pages of a background run, which bounds its rate (200 per 100 ms at most: 2000 a second). Default
    /// 100 ms; a run asked for by <c>POST /memory/reconcile</c> does not pause.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ReconcilePagePause { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Only what was written longer ago than this is fixed: a record and its vector are written one after the other, and
    /// another replica may be between the two right now. Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ReconcileGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True in the in-process composition.</summary>
    public bool IsEmbedded => !Mode.Equals("standard", StringComparison.OrdinalIgnoreCase);
}
