using System.Numerics.Tensors;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sage.Storage.Vectors;

/// <summary>
/// The request rules every vector backend enforces the same way, so a bad request fails identically (same
/// <see cref="StorageException.Field"/>) whichever backend is behind the service. Every check runs before anything is written.
/// </summary>
public static partial class VectorRequestValidator
{
    /// <summary>The largest top_k a query may ask for.</summary>
    public const int MaxTopK = 1000;

    /// <summary>The largest page a scroll may ask for.</summary>
    public const int MaxScrollLimit = 10_000;

    /// <summary>The largest vector dimension a collection may have (Qdrant's limit).</summary>
    public const int MaxDimension = 65_536;

    /// <summary>The default largest number of points in one upsert.</summary>
    public const int DefaultMaxBatchSize = 10_000;

    /// <summary>
    /// The one collection-name rule, for the stores and for the services' option attributes: 1–64 of <c>[A-Za-z0-9_-]</c>.
    /// <c>\z</c>, not <c>$</c>: <c>$</c> also matches before a final newline, which let <c>"ok\n"</c> through.
    /// </summary>
    public const string CollectionNameRegex = @"\A[A-Za-z0-9_-]{1,64}\z";

    [GeneratedRegex(CollectionNameRegex)]
    private static partial Regex CollectionNamePattern();

    /// <summary>Collection names are 1–64 of <c>[A-Za-z0-9_-]</c>.</summary>
    public static void ValidateCollectionName(string? name, string field = "collection")
    {
        if (name is null || !CollectionNamePattern().IsMatch(name))
        {
            throw StorageException.Invalid(field, $"Collection name '{name}' is invalid: use 1 to 64 letters, digits, '_' or '-'.");
        }
    }

    /// <summary>Dimension within 1..65536.</summary>
    public static void ValidateSpec(CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Dimension is < 1 or > MaxDimension)
        {
            throw StorageException.Invalid("dimension", $"Dimension must be between 1 and {MaxDimension}; got {spec.Dimension}.");
        }
        if (!Enum.IsDefined(spec.Distance))
        {
            throw StorageException.Invalid("distance", $"Unknown distance '{spec.Distance}'; use cosine, dot or euclid.");
        }
        ValidateIndex(spec.Index);
    }

    /// <summary>
    /// A whole upsert batch: size (TooLarge over <paramref name="maxBatchSize"/>), ids present and unique, vectors of the
    /// collection's dimension with finite components, metadata a JSON object when given. Fields are <c>vectors[i].…</c>.
    /// </summary>
    public static void ValidatePoints(IReadOnlyList<VectorPoint> points, CollectionSpec spec, int maxBatchSize = DefaultMaxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            throw StorageException.Invalid("vectors", "The batch is empty; send at least one point.");
        }
        if (points.Count > maxBatchSize)
        {
            throw new StorageException(StorageError.TooLarge, $"The batch has {points.Count} points; the limit is {maxBatchSize}. Split it into smaller batches.", "vectors");
        }
        var seen = new HashSet<string>(points.Count, StringComparer.Ordinal);
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i] ?? throw StorageException.Invalid($"vectors[{i}]", "A point is null.");
            ValidateId(point.Id, $"vectors[{i}].id");
            if (!seen.Add(point.Id))
            {
                throw StorageException.Invalid($"vectors[{i}].id", $"Id '{point.Id}' appears more than once in the batch.");
            }
            ValidateVector(point.Vector.Span, spec, $"vectors[{i}].vector");
            ValidateMetadata(point.Metadata, $"vectors[{i}].metadata");
        }
    }

    /// <summary>A point id: a non-empty string of at most 256 characters, without control characters (as KV and Memory keys).</summary>
    public static void ValidateId(string? id, string field)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 256 || KeyRules.CheckText(id, int.MaxValue) is not null)
        {
            throw StorageException.Invalid(field, "A point id must be a non-empty string of at most 256 characters, without control characters.");
        }
    }

    /// <summary>Every id of a get or delete, fields <c>ids[i]</c>.</summary>
    public static void ValidateIds(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        for (var i = 0; i < ids.Count; i++)
        {
            ValidateId(ids[i], $"ids[{i}]");
        }
    }

    /// <summary>
    /// A vector of exactly the collection's dimension, with finite components; for cosine, a length that is positive and
    /// finite in single precision, since a zero vector (or one whose norm underflows or overflows) has no direction to compare.
    /// </summary>
    public static void ValidateVector(ReadOnlySpan<float> vector, CollectionSpec spec, string field)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var dimension = spec.Dimension;
        if (vector.IsEmpty)
        {
            throw StorageException.Invalid(field, $"The vector is empty; the collection expects {dimension} dimensions.");
        }
        if (vector.Length != dimension)
        {
            throw StorageException.Invalid(field, $"The vector has {vector.Length} dimensions; the collection expects {dimension}.");
        }
        for (var j = 0; j < vector.Length; j++)
        {
            if (!float.IsFinite(vector[j]))
            {
                throw StorageException.Invalid(field, $"Component {j} is {vector[j]}; every component must be a finite number.");
            }
        }
        if (spec.Distance == Distance.Cosine && TensorPrimitives.Norm(vector) is var norm && (norm <= 0 || !float.IsFinite(norm)))
        {
            throw StorageException.Invalid(field, "The vector's length is zero (or too small or too large for single precision); a cosine collection needs a direction.");
        }
    }

    /// <summary>Metadata is absent, JSON null, or a JSON object.</summary>
    public static void ValidateMetadata(JsonElement? metadata, string field)
    {
        if (metadata is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) } value)
        {
            throw StorageException.Invalid(field, $"Metadata must be a JSON object; got {value.ValueKind.ToString().ToLowerInvariant()}.");
        }
    }

    /// <summary>A query: vector of the right dimension, top_k within 1..1000, a finite score_threshold.</summary>
    public static void ValidateQuery(VectorQuery query, CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.TopK is < 1 or > MaxTopK)
        {
            throw StorageException.Invalid("top_k", $"top_k must be between 1 and {MaxTopK}; got {query.TopK}.");
        }
        ValidateVector(query.Vector.Span, spec, "vector");
        if (query.ScoreThreshold is { } threshold && !float.IsFinite(threshold))
        {
            throw StorageException.Invalid("score_threshold", "score_threshold must be a finite number.");
        }
        if (query.Ef is { } ef && ef is < 1 or > MaxEf)
        {
            throw StorageException.Invalid("ef", $"ef must be between 1 and {MaxEf}; got {ef}.");
        }
    }

    /// <summary>The largest HNSW search beam a query may ask for.</summary>
    public const int MaxEf = 10_000;

    /// <summary>HNSW links per node: 2..100, beyond which memory grows with no recall left to gain.</summary>
    public const int MaxM = 100;

    /// <summary>The largest HNSW build beam.</summary>
    public const int MaxEfConstruct = 10_000;

    /// <summary>Index settings: a known type, m within 2..100 and ef_construct within 4..10000 (checked for flat too, so a typo never passes silently).</summary>
    public static void ValidateIndex(VectorIndexSpec? index)
    {
        if (index is null)
        {
            return;
        }
        if (!Enum.IsDefined(index.Type))
        {
            throw StorageException.Invalid("index.type", $"Unknown index type '{index.Type}'; use hnsw or flat.");
        }
        if (index.M is < 2 or > MaxM)
        {
            throw StorageException.Invalid("index.m", $"m must be between 2 and {MaxM}; got {index.M}.");
        }
        if (index.EfConstruct is < 4 or > MaxEfConstruct)
        {
            throw StorageException.Invalid("index.ef_construct", $"ef_construct must be between 4 and {MaxEfConstruct}; got {index.EfConstruct}.");
        }
    }

    /// <summary>A scroll page size within 1..10000.</summary>
    public static void ValidateScroll(ScrollRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Limit is < 1 or > MaxScrollLimit)
        {
            throw StorageException.Invalid("limit", $"limit must be between 1 and {MaxScrollLimit}; got {request.Limit}.");
        }
    }
}
