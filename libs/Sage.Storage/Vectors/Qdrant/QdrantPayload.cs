using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sage.Storage.Vectors.Qdrant;

/// <summary>
/// How a SAGE point is laid out in a Qdrant payload: <c>{"_sage_id": id, "metadata": {…}}</c>.
/// Metadata sits under its own key, so no metadata field can collide with the id and a filter key maps to <c>metadata.key</c>.
/// </summary>
internal static class QdrantPayload
{
    public const string IdKey = "_sage_id";
    public const string MetadataKey = "metadata";

    public static JsonObject Create(string id, JsonElement? metadata)
    {
        var payload = new JsonObject { [IdKey] = id };
        if (metadata is { ValueKind: JsonValueKind.Object } value)
        {
            payload[MetadataKey] = JsonNode.Parse(value.GetRawText());
        }

        return payload;
    }

    /// <summary>The SAGE id of a returned point; a point written by someone else keeps its Qdrant id.</summary>
    public static string ReadId(JsonElement point) =>
        point.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object
            && payload.TryGetProperty(IdKey, out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()!
            : point.GetProperty("id").ToString();

    public static JsonElement? ReadMetadata(JsonElement point) =>
        point.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object
            && payload.TryGetProperty(MetadataKey, out var metadata) && metadata.ValueKind == JsonValueKind.Object
            ? metadata.Clone()
            : null;

    public static ReadOnlyMemory<float>? ReadVector(JsonElement point)
    {
        if (!point.TryGetProperty("vector", out var vector) || vector.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var values = new float[vector.GetArrayLength()];
        var i = 0;
        foreach (var item in vector.EnumerateArray())
        {
            values[i++] = item.GetSingle();
        }

        return values;
    }
}
