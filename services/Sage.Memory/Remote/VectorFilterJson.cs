using System.Text.Json;
using Sage.Storage.Vectors;

namespace Sage.Memory.Remote;

/// <summary>Writes a <see cref="VectorFilter"/> back as the Qdrant-subset JSON the VDB service parses (the inverse of <c>VectorFilterParser</c>).</summary>
internal static class VectorFilterJson
{
    public static JsonElement? From(VectorFilter? filter)
    {
        if (filter is null)
            return null;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            WriteFilter(writer, filter);
        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    private static void WriteFilter(Utf8JsonWriter writer, VectorFilter filter)
    {
        writer.WriteStartObject();
        WriteClause(writer, "must", filter.Must);
        WriteClause(writer, "should", filter.Should);
        WriteClause(writer, "must_not", filter.MustNot);
        writer.WriteEndObject();
    }

    private static void WriteClause(Utf8JsonWriter writer, string name, IReadOnlyList<FilterCondition>? conditions)
    {
        if (conditions is null)
            return;
        writer.WriteStartArray(name);
        foreach (var condition in conditions)
            WriteCondition(writer, condition);
        writer.WriteEndArray();
    }

    private static void WriteCondition(Utf8JsonWriter writer, FilterCondition condition)
    {
        switch (condition)
        {
            case NestedFilterCondition nested:
                WriteFilter(writer, nested.Filter);
                return;
            case HasIdCondition hasId:
                writer.WriteStartObject();
                writer.WriteStartArray("has_id");
                foreach (var id in hasId.Ids)
                    writer.WriteStringValue(id);
                writer.WriteEndArray();
                writer.WriteEndObject();
                return;
            case IsEmptyCondition isEmpty:
                writer.WriteStartObject();
                writer.WriteStartObject("is_empty");
                writer.WriteString("key", isEmpty.Key);
                writer.WriteEndObject();
                writer.WriteEndObject();
                return;
        }

        writer.WriteStartObject();
        switch (condition)
        {
            case MatchValueCondition match:
                writer.WriteString("key", match.Key);
                writer.WriteStartObject("match");
                writer.WritePropertyName("value");
                match.Value.WriteTo(writer);
                writer.WriteEndObject();
                break;
            case MatchAnyCondition any:
                writer.WriteString("key", any.Key);
                WriteMatchList(writer, "any", any.Values);
                break;
            case MatchExceptCondition except:
                writer.WriteString("key", except.Key);
                WriteMatchList(writer, "except", except.Values);
                break;
            case RangeCondition range:
                writer.WriteString("key", range.Key);
                writer.WriteStartObject("range");
                WriteBound(writer, "gt", range.Gt);
                WriteBound(writer, "gte", range.Gte);
                WriteBound(writer, "lt", range.Lt);
                WriteBound(writer, "lte", range.Lte);
                writer.WriteEndObject();
                break;
            default:
                throw new NotSupportedException($"Filter condition {condition.GetType().Name} has no wire form.");
        }
        writer.WriteEndObject();
    }

    private static void WriteMatchList(Utf8JsonWriter writer, string name, IReadOnlyList<JsonElement> values)
    {
        writer.WriteStartObject("match");
        writer.WriteStartArray(name);
        foreach (var value in values)
            value.WriteTo(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteBound(Utf8JsonWriter writer, string name, double? bound)
    {
        if (bound is { } value)
            writer.WriteNumber(name, value);
    }
}
