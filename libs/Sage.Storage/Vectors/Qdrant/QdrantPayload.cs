using System.Text.Json;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace Sage.Storage.Vectors.Qdrant;

/// <summary>
/// How a SAGE point is laid out in a Qdrant payload: <c>{"_sage_id": id, "metadata": {…}}</c>.
/// Metadata sits under its own key, so no metadata field can collide with the id and a filter key maps to <c>metadata.key</c>.
/// JSON becomes Qdrant's <see cref="Value"/> one to one: integers stay integers, so integer match filters find them.
/// </summary>
internal static class QdrantPayload
{
    public const string IdKey = "_sage_id";
    public const string MetadataKey = "metadata";

    public static Dictionary<string, Value> Create(string id, JsonElement? metadata)
    {
        var payload = new Dictionary<string, Value>(StringComparer.Ordinal) { [IdKey] = new Value { StringValue = id } };
        if (metadata is { ValueKind: JsonValueKind.Object } value)
        {
            payload[MetadataKey] = ToValue(value);
        }

        return payload;
    }

    /// <summary>Only the id is asked for when metadata is not wanted: callers still need the SAGE id back.</summary>
    public static WithPayloadSelector Selector(bool withMetadata) => withMetadata
        ? new WithPayloadSelector { Enable = true }
        : new WithPayloadSelector { Include = new PayloadIncludeSelector { Fields = { IdKey } } };

    /// <summary>The SAGE id of a returned point; a point written by someone else keeps its Qdrant id.</summary>
    public static string ReadId(PointId id, MapField<string, Value> payload) =>
        payload.TryGetValue(IdKey, out var value) && value.KindCase == Value.KindOneofCase.StringValue
            ? value.StringValue
            : id.PointIdOptionsCase == PointId.PointIdOptionsOneofCase.Uuid ? id.Uuid : id.Num.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static JsonElement? ReadMetadata(MapField<string, Value> payload) =>
        payload.TryGetValue(MetadataKey, out var value) && value.KindCase == Value.KindOneofCase.StructValue ? ToJson(value) : null;

    public static ReadOnlyMemory<float>? ReadVector(VectorsOutput? vectors) =>
        vectors?.Vector?.GetDenseVector() is { } dense ? dense.Data.ToArray() : null;

    public static Value ToValue(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var structValue = new Struct();
                foreach (var property in element.EnumerateObject())
                {
                    structValue.Fields[property.Name] = ToValue(property.Value);
                }

                return new Value { StructValue = structValue };
            case JsonValueKind.Array:
                var list = new ListValue();
                foreach (var item in element.EnumerateArray())
                {
                    list.Values.Add(ToValue(item));
                }

                return new Value { ListValue = list };
            case JsonValueKind.String:
                return new Value { StringValue = element.GetString() };
            case JsonValueKind.Number when element.TryGetInt64(out var integer):
                return new Value { IntegerValue = integer };
            case JsonValueKind.Number:
                return new Value { DoubleValue = element.GetDouble() };
            case JsonValueKind.True or JsonValueKind.False:
                return new Value { BoolValue = element.GetBoolean() };
            default:
                return new Value { NullValue = NullValue.NullValue };
        }
    }

    public static JsonElement ToJson(Value value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, Value value)
    {
        switch (value.KindCase)
        {
            case Value.KindOneofCase.StructValue:
                writer.WriteStartObject();
                foreach (var (name, field) in value.StructValue.Fields)
                {
                    writer.WritePropertyName(name);
                    Write(writer, field);
                }

                writer.WriteEndObject();
                break;
            case Value.KindOneofCase.ListValue:
                writer.WriteStartArray();
                foreach (var item in value.ListValue.Values)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case Value.KindOneofCase.StringValue:
                writer.WriteStringValue(value.StringValue);
                break;
            case Value.KindOneofCase.IntegerValue:
                writer.WriteNumberValue(value.IntegerValue);
                break;
            case Value.KindOneofCase.DoubleValue:
                writer.WriteNumberValue(value.DoubleValue);
                break;
            case Value.KindOneofCase.BoolValue:
                writer.WriteBooleanValue(value.BoolValue);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
