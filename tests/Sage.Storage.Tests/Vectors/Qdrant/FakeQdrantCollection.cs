using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>One collection of the stand-in Qdrant: points by id in id order, as Qdrant scrolls them.</summary>
internal sealed class FakeQdrantCollection(int size, string distance)
{
    public int Size { get; } = size;

    public string Distance { get; } = distance;

    public SortedDictionary<string, FakeQdrantPoint> Points { get; } = new(StringComparer.Ordinal);

    public IEnumerable<FakeQdrantPoint> Matching(JsonElement? filter) =>
        Points.Values.Where(p => FakeQdrantFilter.Matches(filter, p.Id, p.Payload));

    /// <summary>Cosine collections keep unit vectors, as Qdrant does, so scores are plain dot products.</summary>
    public float[] Prepare(float[] vector)
    {
        if (Distance != "Cosine")
        {
            return vector;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return norm == 0 ? vector : [.. vector.Select(v => v / norm)];
    }

    public float Score(float[] stored, float[] query) => Distance switch
    {
        "Euclid" => MathF.Sqrt(stored.Zip(query, (a, b) => (a - b) * (a - b)).Sum()),
        "Manhattan" => stored.Zip(query, (a, b) => MathF.Abs(a - b)).Sum(),
        _ => stored.Zip(query, (a, b) => a * b).Sum(),
    };

    public bool LowerIsBetter => Distance is "Euclid" or "Manhattan";
}

/// <summary>A stored point: canonical id text, vector, payload and version.</summary>
internal sealed class FakeQdrantPoint(string id, float[] vector, JsonObject? payload, long version)
{
    public string Id { get; } = id;

    public float[] Vector { get; set; } = vector;

    public JsonObject? Payload { get; set; } = payload;

    public long Version { get; set; } = version;

    /// <summary>The point as Qdrant returns it, honouring with_payload and with_vector.</summary>
    public JsonObject ToJson(JsonElement? withPayload, JsonElement? withVector, float? score = null)
    {
        JsonNode idNode = ulong.TryParse(Id, out var numeric) ? JsonValue.Create(numeric) : JsonValue.Create(Id);
        var json = new JsonObject { ["id"] = idNode };
        if (score is { } s)
        {
            json["version"] = Version;
            json["score"] = s;
        }

        if (SelectPayload(withPayload) is { } payload)
        {
            json["payload"] = payload;
        }

        if (withVector is { ValueKind: JsonValueKind.True })
        {
            json["vector"] = new JsonArray([.. Vector.Select(v => (JsonNode)JsonValue.Create(v))]);
        }

        return json;
    }

    private JsonObject? SelectPayload(JsonElement? withPayload)
    {
        var all = Payload?.DeepClone().AsObject() ?? [];
        switch (withPayload?.ValueKind)
        {
            case JsonValueKind.True:
                return all;
            case JsonValueKind.Array:
                var keys = withPayload.Value.EnumerateArray().Select(k => k.GetString()!).ToHashSet();
                return new JsonObject(all.Where(p => keys.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
            default:
                return null;
        }
    }
}
