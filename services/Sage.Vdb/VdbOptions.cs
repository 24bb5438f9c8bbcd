using System.ComponentModel.DataAnnotations;
using Sage.Storage.Vectors;

namespace Sage.Vdb;

/// <summary>VDB service settings (<c>Sage:Vdb</c>); validated at start.</summary>
public sealed class VdbOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Sage:Vdb";

    /// <summary>
    /// <c>embedded</c> or <c>qdrant</c> (alias <c>SAGE_VDB_BACKEND</c>). Unset: <c>qdrant</c> when a Qdrant connection string
    /// is configured (<c>ConnectionStrings__qdrant</c>, gRPC, or <c>SAGE_QDRANT_URL</c>), else <c>embedded</c>.
    /// </summary>
    public string? Backend { get; set; }

    /// <summary>The collection the seed routes (<c>/vectors…</c>) use (alias <c>SAGE_VDB_COLLECTION</c>).</summary>
    [Required(AllowEmptyStrings = false), RegularExpression(VectorRequestValidator.CollectionNameRegex, ErrorMessage = "Sage:Vdb:Collection (SAGE_VDB_COLLECTION) must be 1 to 64 letters, digits, '_' or '-'.")]
    public string Collection { get; set; } = "sage_vectors";

    /// <summary>Dimension of the default collection; unset, it is created on first insert with that insert's dimension.</summary>
    [Range(1, 65536)]
    public int? Dimension { get; set; }

    /// <summary>Distance of the default collection: cosine, dot or euclid.</summary>
    [DistanceName(ErrorMessage = "Sage:Vdb:Distance must be cosine, dot or euclid.")]
    public string Distance { get; set; } = "cosine";

    /// <summary>Directory the embedded engine persists to (alias <c>SAGE_VDB_PERSIST_DIR</c>); unset means in-memory only.</summary>
    public string? PersistDirectory { get; set; }

    /// <summary>Most points in one upsert (413 above it), on every backend.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatchPoints { get; set; } = 10_000;
}
