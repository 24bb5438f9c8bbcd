using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>
/// Qdrant's filter semantics for the stand-in server: must/should/must_not (one condition or a list), field
/// conditions (match value/any/except, range, is_empty, is_null), is_empty/is_null by key, has_id and nested filters.
/// Keys are dotted paths; <c>a[]</c> flattens an array, and a condition on an array holds when any element does.
/// </summary>
internal static class FakeQdrantFilter
{
    public static bool Matches(JsonElement? filter, string pointId, JsonObject? payload)
    {
        if (filter is not { ValueKind: JsonValueKind.Object } f)
        {
            return true;
        }

        if (Conditions(f, "must").Any(c => !Condition(c, pointId, payload)))
        {
            return false;
        }

        var should = Conditions(f, "should").ToList();
        if (should.Count > 0 && !should.Any(c => Condition(c, pointId, payload)))
        {
            return false;
        }

        if (f.TryGetProperty("min_should", out var minShould) && minShould.ValueKind != JsonValueKind.Null)
        {
            var needed = minShould.GetProperty("min_count").GetInt32();
            if (minShould.GetProperty("conditions").EnumerateArray().Count(c => Condition(c, pointId, payload)) < needed)
            {
                return false;
            }
        }

        return !Conditions(f, "must_not").Any(c => Condition(c, pointId, payload));
    }

    private static IEnumerable<JsonElement> Conditions(JsonElement filter, string clause) =>
        !filter.TryGetProperty(clause, out var value) ? [] : value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray(),
            JsonValueKind.Object => [value],
            _ => [],
        };

    private static bool Condition(JsonElement condition, string pointId, JsonObject? payload)
    {
        if (condition.TryGetProperty("has_id", out var ids))
        {
            return ids.EnumerateArray().Any(id => string.Equals(id.ToString(), pointId, StringComparison.OrdinalIgnoreCase));
        }

        if (condition.TryGetProperty("is_empty", out var isEmpty) && isEmpty.ValueKind == JsonValueKind.Object)
        {
            return Values(payload, isEmpty.GetProperty("key").GetString()!).All(v => v is null);
        }

        if (condition.TryGetProperty("is_null", out var isNull) && isNull.ValueKind == JsonValueKind.Object)
        {
            return IsNull(payload, isNull.GetProperty("key").GetString()!);
        }

        if (condition.TryGetProperty("nested", out _))
        {
            throw new NotSupportedException("the stand-in Qdrant does not implement 'nested' conditions");
        }

        if (!condition.TryGetProperty("key", out var keyElement))
        {
            return Matches(condition, pointId, payload);
        }

        var key = keyElement.GetString()!;
        var values = Values(payload, key).Where(v => v is not null).Select(v => v!).ToList();
        var holds = true;
        if (condition.TryGetProperty("match", out var match) && match.ValueKind == JsonValueKind.Object)
        {
            holds &= Match(match, values);
        }

        if (condition.TryGetProperty("range", out var range) && range.ValueKind == JsonValueKind.Object)
        {
            holds &= values.Any(v => v.GetValueKind() == JsonValueKind.Number && InRange(range, v.GetValue<double>()));
        }

        if (condition.TryGetProperty("is_empty", out var flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            holds &= (values.Count == 0) == flag.GetBoolean();
        }

        if (condition.TryGetProperty("is_null", out var nullFlag) && nullFlag.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            holds &= IsNull(payload, key) == nullFlag.GetBoolean();
        }

        return holds;
    }

    private static bool Match(JsonElement match, List<JsonNode> values)
    {
        if (match.TryGetProperty("value", out var value))
        {
            return values.Any(v => Same(v, value));
        }

        if (match.TryGetProperty("any", out var any))
        {
            return values.Any(v => any.EnumerateArray().Any(a => Same(v, a)));
        }

        if (match.TryGetProperty("except", out var except))
        {
            // As Qdrant: a missing key matches, and an array matches when one element is outside the list.
            return values.Count == 0 || values.Any(v => !except.EnumerateArray().Any(e => Same(v, e)));
        }

        throw new NotSupportedException($"the stand-in Qdrant does not implement match {match.GetRawText()}");
    }

    private static bool Same(JsonNode stored, JsonElement wanted) => wanted.ValueKind switch
    {
        JsonValueKind.String => stored.GetValueKind() == JsonValueKind.String && stored.GetValue<string>() == wanted.GetString(),
        JsonValueKind.True or JsonValueKind.False => stored.GetValueKind() == wanted.ValueKind,
        // Qdrant matches integers against integer payload values only.
        JsonValueKind.Number => stored.GetValueKind() == JsonValueKind.Number
            && long.TryParse(stored.ToJsonString(), out var integer) && wanted.TryGetInt64(out var target) && integer == target,
        _ => false,
    };

    private static bool InRange(JsonElement range, double value) =>
        Bound(range, "gt", b => value > b) && Bound(range, "gte", b => value >= b) && Bound(range, "lt", b => value < b) && Bound(range, "lte", b => value <= b);

    private static bool Bound(JsonElement range, string name, Func<double, bool> holds) =>
        !range.TryGetProperty(name, out var bound) || bound.ValueKind == JsonValueKind.Null || holds(bound.GetDouble());

    private static bool IsNull(JsonObject? payload, string key)
    {
        var raw = Values(payload, key, flattenLeaf: false).ToList();
        return raw.Count > 0 && raw.All(v => v is null);
    }

    private static IEnumerable<JsonNode?> Flatten(JsonNode? node) => node is JsonArray array ? array : Enumerable.Repeat(node, 1);

    /// <summary>The values at a key path; a null entry stands for an explicit JSON null.</summary>
    private static IEnumerable<JsonNode?> Values(JsonObject? payload, string key, bool flattenLeaf = true)
    {
        IEnumerable<JsonNode?> current = payload is null ? [] : [payload];
        foreach (var segment in key.Split('.'))
        {
            var flatten = segment.EndsWith("[]", StringComparison.Ordinal);
            var name = flatten ? segment[..^2] : segment;
            current = current
                .SelectMany(Flatten)
                .Where(node => node is JsonObject obj && obj.ContainsKey(name))
                .Select(node => ((JsonObject)node!)[name]);
            if (flatten)
            {
                current = current.SelectMany(Flatten);
            }
        }

        return flattenLeaf ? current.SelectMany(Flatten) : current;
    }
}
