using System.Globalization;
using System.Text.Json;

namespace Sage.Storage.Vectors;

/// <summary>
/// Parses the Qdrant-subset filter JSON into a <see cref="VectorFilter"/>. Anything malformed or unknown is an
/// <see cref="StorageError.Invalid"/> <see cref="StorageException"/> whose field is the exact path at fault,
/// e.g. <c>filter.must[0].match.value</c>.
/// </summary>
public static class VectorFilterParser
{
    private const int MaxDepth = 16;

    /// <summary>Parses <paramref name="filter"/>; <paramref name="path"/> is the wire name of the filter field.</summary>
    public static VectorFilter Parse(JsonElement filter, string path = "filter") => ParseFilter(filter, path, 0);

    private static VectorFilter ParseFilter(JsonElement element, string path, int depth)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw StorageException.Invalid(path, $"A filter must be a JSON object with must, should or must_not; got {Describe(element)}.");
        }
        if (depth > MaxDepth)
        {
            throw StorageException.Invalid(path, $"Filters may be nested at most {MaxDepth} levels deep.");
        }
        IReadOnlyList<FilterCondition>? must = null, should = null, mustNot = null;
        foreach (var property in element.EnumerateObject())
        {
            var clausePath = $"{path}.{property.Name}";
            switch (property.Name)
            {
                case "must": must = ParseClause(property.Value, clausePath, depth); break;
                case "should": should = ParseClause(property.Value, clausePath, depth); break;
                case "must_not": mustNot = ParseClause(property.Value, clausePath, depth); break;
                default:
                    throw StorageException.Invalid(clausePath, $"Unknown filter field '{property.Name}'; a filter has only must, should and must_not.");
            }
        }
        return new VectorFilter(must, should, mustNot);
    }

    private static IReadOnlyList<FilterCondition>? ParseClause(JsonElement element, string path, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Object:
                // Qdrant also accepts a single condition in place of an array.
                return [ParseCondition(element, path, depth)];
            case JsonValueKind.Array:
                var conditions = new List<FilterCondition>(element.GetArrayLength());
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    conditions.Add(ParseCondition(item, $"{path}[{index++}]", depth));
                }
                return conditions;
            default:
                throw StorageException.Invalid(path, $"A filter clause must be an array of conditions; got {Describe(element)}.");
        }
    }

    private static FilterCondition ParseCondition(JsonElement element, string path, int depth)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw StorageException.Invalid(path, $"A condition must be a JSON object; got {Describe(element)}.");
        }
        if (element.TryGetProperty("key", out _))
        {
            return ParseFieldCondition(element, path);
        }
        if (element.TryGetProperty("has_id", out var hasId))
        {
            RequireOnly(element, path, "has_id");
            return new HasIdCondition(ParseIds(hasId, $"{path}.has_id"));
        }
        if (element.TryGetProperty("is_empty", out var isEmpty))
        {
            RequireOnly(element, path, "is_empty");
            var emptyPath = $"{path}.is_empty";
            if (isEmpty.ValueKind != JsonValueKind.Object)
            {
                throw StorageException.Invalid(emptyPath, $"is_empty must be an object like {{\"key\":\"field\"}}; got {Describe(isEmpty)}.");
            }
            foreach (var property in isEmpty.EnumerateObject())
            {
                if (property.Name != "key")
                {
                    throw StorageException.Invalid($"{emptyPath}.{property.Name}", $"Unknown is_empty field '{property.Name}'; only key is allowed.");
                }
            }
            return new IsEmptyCondition(ParseKey(isEmpty, emptyPath));
        }
        if (element.TryGetProperty("must", out _) || element.TryGetProperty("should", out _) || element.TryGetProperty("must_not", out _))
        {
            return new NestedFilterCondition(ParseFilter(element, path, depth + 1));
        }
        var first = element.EnumerateObject().Select(p => p.Name).FirstOrDefault();
        throw first is null
            ? StorageException.Invalid(path, "An empty condition; use key with match or range, has_id, is_empty, or a nested must/should/must_not.")
            : StorageException.Invalid($"{path}.{first}", $"Unknown condition field '{first}'; supported: key with match or range, has_id, is_empty, must, should, must_not.");
    }

    private static FilterCondition ParseFieldCondition(JsonElement element, string path)
    {
        var key = ParseKey(element, path);
        JsonElement? match = null, range = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "key": break;
                case "match": match = property.Value; break;
                case "range": range = property.Value; break;
                default:
                    throw StorageException.Invalid($"{path}.{property.Name}", $"Unknown or unsupported field condition '{property.Name}'; supported: match, range.");
            }
        }
        return (match, range) switch
        {
            ({ } m, null) => ParseMatch(key, m, $"{path}.match"),
            (null, { } r) => ParseRange(key, r, $"{path}.range"),
            (null, null) => throw StorageException.Invalid(path, $"The condition on '{key}' needs match or range."),
            _ => throw StorageException.Invalid(path, $"The condition on '{key}' has both match and range; use one per condition."),
        };
    }

    private static FilterCondition ParseMatch(string key, JsonElement match, string path)
    {
        if (match.ValueKind != JsonValueKind.Object)
        {
            throw StorageException.Invalid(path, $"match must be an object with value, any or except; got {Describe(match)}.");
        }
        FilterCondition? condition = null;
        foreach (var property in match.EnumerateObject())
        {
            var fieldPath = $"{path}.{property.Name}";
            FilterCondition parsed = property.Name switch
            {
                "value" => new MatchValueCondition(key, ParseScalar(property.Value, fieldPath)),
                "any" => new MatchAnyCondition(key, ParseScalars(property.Value, fieldPath)),
                "except" => new MatchExceptCondition(key, ParseScalars(property.Value, fieldPath)),
                _ => throw StorageException.Invalid(fieldPath, $"Unknown or unsupported match '{property.Name}'; supported: value, any, except."),
            };
            if (condition is not null)
            {
                throw StorageException.Invalid(fieldPath, "match takes exactly one of value, any or except.");
            }
            condition = parsed;
        }
        return condition ?? throw StorageException.Invalid(path, "match needs one of value, any or except.");
    }

    private static RangeCondition ParseRange(string key, JsonElement range, string path)
    {
        if (range.ValueKind != JsonValueKind.Object)
        {
            throw StorageException.Invalid(path, $"range must be an object with gt, gte, lt or lte; got {Describe(range)}.");
        }
        double? gt = null, gte = null, lt = null, lte = null;
        foreach (var property in range.EnumerateObject())
        {
            var fieldPath = $"{path}.{property.Name}";
            double? bound = property.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.Number when property.Value.TryGetDouble(out var d) && double.IsFinite(d) => d,
                _ => throw StorageException.Invalid(fieldPath, $"A range bound must be a finite number; got {Describe(property.Value)}."),
            };
            switch (property.Name)
            {
                case "gt": gt = bound; break;
                case "gte": gte = bound; break;
                case "lt": lt = bound; break;
                case "lte": lte = bound; break;
                default:
                    throw StorageException.Invalid(fieldPath, $"Unknown range field '{property.Name}'; supported: gt, gte, lt, lte.");
            }
        }
        if (gt is null && gte is null && lt is null && lte is null)
        {
            throw StorageException.Invalid(path, "range needs at least one of gt, gte, lt, lte.");
        }
        return new RangeCondition(key, gt, gte, lt, lte);
    }

    private static string ParseKey(JsonElement element, string path)
    {
        if (!element.TryGetProperty("key", out var key))
        {
            throw StorageException.Invalid($"{path}.key", "key is required.");
        }
        if (key.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(key.GetString()))
        {
            throw StorageException.Invalid($"{path}.key", $"key must be a non-empty string such as \"a.b\"; got {Describe(key)}.");
        }
        var value = key.GetString()!;
        if (value.Split('.').Any(segment => segment.Length == 0 || segment == "[]"))
        {
            throw StorageException.Invalid($"{path}.key", $"key '{value}' has an empty path segment.");
        }
        return value;
    }

    private static IReadOnlyList<string> ParseIds(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw StorageException.Invalid(path, $"has_id must be an array of point ids; got {Describe(element)}.");
        }
        var ids = new List<string>(element.GetArrayLength());
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            ids.Add(item.ValueKind switch
            {
                JsonValueKind.String when !string.IsNullOrEmpty(item.GetString()) => item.GetString()!,
                JsonValueKind.Number when item.TryGetUInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
                _ => throw StorageException.Invalid($"{path}[{index}]", $"A point id must be a non-empty string; got {Describe(item)}."),
            });
            index++;
        }
        return ids;
    }

    private static IReadOnlyList<JsonElement> ParseScalars(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw StorageException.Invalid(path, $"Expected an array of strings, numbers or booleans; got {Describe(element)}.");
        }
        var values = new List<JsonElement>(element.GetArrayLength());
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            values.Add(ParseScalar(item, $"{path}[{index++}]"));
        }
        return values;
    }

    private static JsonElement ParseScalar(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.String or JsonValueKind.True or JsonValueKind.False => element.Clone(),
        JsonValueKind.Number when element.TryGetDouble(out var d) && double.IsFinite(d) => element.Clone(),
        _ => throw StorageException.Invalid(path, $"A match value must be a string, number or boolean; got {Describe(element)}."),
    };

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static void RequireOnly(JsonElement element, string path, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name != name)
            {
                throw StorageException.Invalid($"{path}.{property.Name}", $"A {name} condition takes no other fields; unexpected '{property.Name}'.");
            }
        }
    }
}
