using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sage.Storage.Vectors.Qdrant;

/// <summary>
/// Translates a <see cref="VectorFilter"/> into Qdrant's filter JSON, condition for condition.
/// Metadata lives under the <c>metadata</c> payload key, so every key gains that prefix; ids become their UUIDs.
/// </summary>
internal static class QdrantFilterTranslator
{
    public static JsonObject Translate(VectorFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var result = new JsonObject();
        AddClause(result, "must", filter.Must);
        AddClause(result, "should", filter.Should);
        AddClause(result, "must_not", filter.MustNot);
        return result;
    }

    public static string PayloadKey(string key) => QdrantPayload.MetadataKey + "." + key;

    private static void AddClause(JsonObject target, string name, IReadOnlyList<FilterCondition>? conditions)
    {
        // An empty list is left out: Qdrant reads an empty "should" differently across versions.
        if (conditions is { Count: > 0 })
        {
            target[name] = new JsonArray([.. conditions.Select(Condition)]);
        }
    }

    private static JsonNode Condition(FilterCondition condition) => condition switch
    {
        MatchValueCondition c => MatchValue(c.Key, c.Value),
        MatchAnyCondition c => MatchAny(c.Key, c.Values),
        // Qdrant's "except" also matches a missing key and arrays with one other element; ours means "present and equal to none".
        MatchExceptCondition c => new JsonObject
        {
            ["must_not"] = new JsonArray(MatchAny(c.Key, c.Values), IsEmpty(c.Key)),
        },
        RangeCondition c => Range(c.Key, c.Gt, c.Gte, c.Lt, c.Lte),
        HasIdCondition c => new JsonObject
        {
            ["has_id"] = new JsonArray([.. c.Ids.Select(QdrantPointId.FromId).Distinct().Select(id => (JsonNode)JsonValue.Create(id.ToString()))]),
        },
        IsEmptyCondition c => IsEmpty(c.Key),
        NestedFilterCondition c => Translate(c.Filter),
        _ => throw new StorageException(StorageError.Invalid, $"Filter condition {condition.GetType().Name} is not supported by the Qdrant backend.", "filter"),
    };

    private static JsonObject IsEmpty(string key) => new() { ["is_empty"] = new JsonObject { ["key"] = PayloadKey(key) } };

    private static JsonObject MatchValue(string key, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
            case JsonValueKind.True:
            case JsonValueKind.False:
                return Field(key, "match", new JsonObject { ["value"] = JsonNode.Parse(value.GetRawText()) });
            case JsonValueKind.Number when value.TryGetInt64(out var integer):
                return Field(key, "match", new JsonObject { ["value"] = integer });
            case JsonValueKind.Number:
                // Qdrant matches only strings, integers and booleans; equality on a fraction is the closed range [v, v].
                var number = value.GetDouble();
                return Range(key, null, number, null, number);
            default:
                throw StorageException.Invalid("filter", $"match value for '{key}' must be a string, number or boolean.");
        }
    }

    private static JsonObject MatchAny(string key, IReadOnlyList<JsonElement> values)
    {
        if (values.All(v => v.ValueKind == JsonValueKind.String))
        {
            var strings = values.Select(v => v.GetString()!).Distinct(StringComparer.Ordinal);
            return Field(key, "match", new JsonObject { ["any"] = new JsonArray([.. strings.Select(s => (JsonNode)JsonValue.Create(s))]) });
        }

        if (values.All(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _)))
        {
            var integers = values.Select(v => v.GetInt64()).Distinct();
            return Field(key, "match", new JsonObject { ["any"] = new JsonArray([.. integers.Select(i => (JsonNode)JsonValue.Create(i))]) });
        }

        // Qdrant's "any" takes one type of value at a time; a mixed list is the "should" of its members.
        return new JsonObject { ["should"] = new JsonArray([.. values.Select(v => (JsonNode)MatchValue(key, v))]) };
    }

    private static JsonObject Range(string key, double? gt, double? gte, double? lt, double? lte)
    {
        var range = new JsonObject();
        if (gt is { } a)
        {
            range["gt"] = a;
        }

        if (gte is { } b)
        {
            range["gte"] = b;
        }

        if (lt is { } c)
        {
            range["lt"] = c;
        }

        if (lte is { } d)
        {
            range["lte"] = d;
        }

        return Field(key, "range", range);
    }

    private static JsonObject Field(string key, string kind, JsonObject body) => new() { ["key"] = PayloadKey(key), [kind] = body };
}
