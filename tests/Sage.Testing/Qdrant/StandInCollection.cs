using Google.Protobuf.Collections;
using Sage.Testing.Qdrant.Wire;

namespace Sage.Testing.Qdrant;

/// <summary>One collection of the stand-in Qdrant: points by canonical id, in id order, as Qdrant scrolls them.</summary>
internal sealed class StandInCollection(ulong size, Distance distance)
{
    public ulong Size { get; } = size;

    public Distance Distance { get; } = distance;

    public SortedDictionary<string, StoredPoint> Points { get; } = new(StringComparer.Ordinal);

    public IEnumerable<StoredPoint> Matching(Filter? filter) => Points.Values.Where(p => StandInFilter.Matches(filter, p));

    /// <summary>Cosine collections keep unit vectors, as Qdrant does, so their scores are plain dot products.</summary>
    public float[] Prepare(float[] vector)
    {
        if (Distance != Distance.Cosine)
        {
            return vector;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return norm == 0 ? vector : [.. vector.Select(v => v / norm)];
    }

    public float Score(float[] stored, float[] query) => Distance switch
    {
        Distance.Euclid => MathF.Sqrt(stored.Zip(query, (a, b) => (a - b) * (a - b)).Sum()),
        Distance.Manhattan => stored.Zip(query, (a, b) => MathF.Abs(a - b)).Sum(),
        _ => stored.Zip(query, (a, b) => a * b).Sum(),
    };

    public bool LowerIsBetter => Distance is Distance.Euclid or Distance.Manhattan;
}

/// <summary>A stored point: canonical id text (lowercase UUID or a number), vector, payload and the version that last wrote it.</summary>
internal sealed class StoredPoint(string id, float[] vector, MapField<string, Value> payload, ulong version)
{
    public string Id { get; } = id;

    public float[] Vector { get; set; } = vector;

    public MapField<string, Value> Payload { get; set; } = payload;

    public ulong Version { get; set; } = version;

    public PointId WireId => ulong.TryParse(Id, out var number) ? new PointId { Num = number } : new PointId { Uuid = Id };

    /// <summary>The payload as a selector asks for it: all, none, only some top-level keys, or all but some.</summary>
    public MapField<string, Value> SelectPayload(WithPayloadSelector? selector)
    {
        var selected = new MapField<string, Value>();
        foreach (var (key, value) in Payload)
        {
            var wanted = selector?.SelectorOptionsCase switch
            {
                WithPayloadSelector.SelectorOptionsOneofCase.Enable => selector.Enable,
                WithPayloadSelector.SelectorOptionsOneofCase.Include => selector.Include.Fields.Contains(key),
                WithPayloadSelector.SelectorOptionsOneofCase.Exclude => !selector.Exclude.Fields.Contains(key),
                _ => false,
            };
            if (wanted)
            {
                selected[key] = value.Clone();
            }
        }

        return selected;
    }

    public VectorsOutput? SelectVectors(WithVectorsSelector? selector) => selector is { SelectorOptionsCase: WithVectorsSelector.SelectorOptionsOneofCase.Enable, Enable: true }
        ? new VectorsOutput { Vector = new VectorOutput { Dense = new DenseVector { Data = { Vector } } } }
        : null;
}
