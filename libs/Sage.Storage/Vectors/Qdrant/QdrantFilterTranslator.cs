using System.Text.Json;
using Qdrant.Client.Grpc;
using QdrantFilter = Qdrant.Client.Grpc.Filter;
using QdrantRange = Qdrant.Client.Grpc.Range;
using Wire = Qdrant.Client.Grpc;

namespace Sage.Storage.Vectors.Qdrant;

/// <summary>
/// Translates a <see cref="VectorFilter"/> into Qdrant.Client's <see cref="QdrantFilter"/>, condition for condition.
/// Metadata lives under the <c>metadata</c> payload key, so every key gains that prefix; ids become their UUIDs.
/// </summary>
internal static class QdrantFilterTranslator
{
    public static QdrantFilter Translate(VectorFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var result = new QdrantFilter();
        // An empty list adds nothing, so Qdrant never sees an empty "should" (which no point satisfies).
        result.Must.AddRange((filter.Must ?? []).Select(Condition));
        result.Should.AddRange((filter.Should ?? []).Select(Condition));
        result.MustNot.AddRange((filter.MustNot ?? []).Select(Condition));
        return result;
    }

    public static string PayloadKey(string key) => QdrantPayload.MetadataKey + "." + key;

    private static Condition Condition(FilterCondition condition) => condition switch
    {
        MatchValueCondition c => MatchValue(c.Key, c.Value),
        MatchAnyCondition c => MatchAny(c.Key, c.Values),
        // Qdrant's "except" also matches a missing key and arrays with one other element; ours means "present and equal to none".
        MatchExceptCondition c => Nested(new QdrantFilter { MustNot = { MatchAny(c.Key, c.Values), IsEmpty(c.Key) } }),
        RangeCondition c => Range(c.Key, c.Gt, c.Gte, c.Lt, c.Lte),
        HasIdCondition c => new Condition { HasId = new Wire.HasIdCondition { HasId = { c.Ids.Select(QdrantPointId.FromId).Distinct().Select(id => (PointId)id) } } },
        IsEmptyCondition c => IsEmpty(c.Key),
        NestedFilterCondition c => Nested(Translate(c.Filter)),
        _ => throw new StorageException(StorageError.Invalid, $"Filter condition {condition.GetType().Name} is not supported by the Qdrant backend.", "filter"),
    };

    private static Condition Nested(QdrantFilter filter) => new() { Filter = filter };

    private static Condition IsEmpty(string key) => new() { IsEmpty = new Wire.IsEmptyCondition { Key = PayloadKey(key) } };

    private static Condition MatchValue(string key, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Match(key, new Match { Keyword = value.GetString() }),
        JsonValueKind.True or JsonValueKind.False => Match(key, new Match { Boolean = value.GetBoolean() }),
        JsonValueKind.Number when value.TryGetInt64(out var integer) => Match(key, new Match { Integer = integer }),
        // Qdrant matches only strings, integers and booleans; equality on a fraction is the closed range [v, v].
        JsonValueKind.Number => Range(key, null, value.GetDouble(), null, value.GetDouble()),
        _ => throw StorageException.Invalid("filter", $"match value for '{key}' must be a string, number or boolean."),
    };

    private static Condition MatchAny(string key, IReadOnlyList<JsonElement> values)
    {
        if (values.All(v => v.ValueKind == JsonValueKind.String))
        {
            return Match(key, new Match { Keywords = new RepeatedStrings { Strings = { values.Select(v => v.GetString()!).Distinct(StringComparer.Ordinal) } } });
        }

        if (values.All(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _)))
        {
            return Match(key, new Match { Integers = new RepeatedIntegers { Integers = { values.Select(v => v.GetInt64()).Distinct() } } });
        }

        // Qdrant's "any" takes one type of value at a time; a mixed list is the "should" of its members.
        return Nested(new QdrantFilter { Should = { values.Select(v => MatchValue(key, v)) } });
    }

    private static Condition Range(string key, double? gt, double? gte, double? lt, double? lte)
    {
        var range = new QdrantRange();
        if (gt is { } a)
        {
            range.Gt = a;
        }

        if (gte is { } b)
        {
            range.Gte = b;
        }

        if (lt is { } c)
        {
            range.Lt = c;
        }

        if (lte is { } d)
        {
            range.Lte = d;
        }

        return new Condition { Field = new FieldCondition { Key = PayloadKey(key), Range = range } };
    }

    private static Condition Match(string key, Match match) => new() { Field = new FieldCondition { Key = PayloadKey(key), Match = match } };
}
