using Google.Protobuf.Collections;
using Grpc.Core;
using Sage.Testing.Qdrant.Wire;

namespace Sage.Testing.Qdrant;

/// <summary>
/// Qdrant's filter semantics for the stand-in: must/should/must_not, field conditions (match keyword/integer/boolean,
/// keywords/integers and their except forms, range, is_empty, is_null), is_empty/is_null by key, has_id and nested filters.
/// Keys are dotted paths; <c>a[]</c> flattens an array, and a condition on an array holds when any element does.
/// Malformed conditions are refused as Qdrant refuses them (InvalidArgument) before any point is looked at.
/// </summary>
internal static class StandInFilter
{
    /// <summary>Refuses what Qdrant's conversion of a gRPC filter refuses; <paramref name="standIn"/> records what we do not implement.</summary>
    public static void Validate(Filter? filter, QdrantStandIn standIn)
    {
        if (filter is null)
        {
            return;
        }

        if (filter.MinShould is not null)
        {
            throw standIn.NotImplemented("min_should");
        }

        foreach (var condition in filter.Must.Concat(filter.Should).Concat(filter.MustNot))
        {
            Validate(condition, standIn);
        }
    }

    private static void Validate(Condition condition, QdrantStandIn standIn)
    {
        switch (condition.ConditionOneOfCase)
        {
            case Condition.ConditionOneOfOneofCase.Field:
                var field = condition.Field;
                RequireKey(field.Key);
                if (field.Match is null && field.Range is null && !field.HasIsEmpty && !field.HasIsNull)
                {
                    throw Invalid("Malformed FieldCondition: no condition given");
                }

                if (field.Match is { } match)
                {
                    switch (match.MatchValueCase)
                    {
                        case Wire.Match.MatchValueOneofCase.None:
                            throw Invalid("Malformed Match condition");
                        case Wire.Match.MatchValueOneofCase.Text:
                            throw standIn.NotImplemented("full-text match");
                    }
                }

                break;
            case Condition.ConditionOneOfOneofCase.IsEmpty:
                RequireKey(condition.IsEmpty.Key);
                break;
            case Condition.ConditionOneOfOneofCase.IsNull:
                RequireKey(condition.IsNull.Key);
                break;
            case Condition.ConditionOneOfOneofCase.HasId:
                foreach (var id in condition.HasId.HasId)
                {
                    QdrantStandIn.Canonical(id);
                }

                break;
            case Condition.ConditionOneOfOneofCase.Filter:
                Validate(condition.Filter, standIn);
                break;
            case Condition.ConditionOneOfOneofCase.Nested:
                throw standIn.NotImplemented("nested conditions");
            default:
                throw Invalid("Malformed Condition type");
        }
    }

    public static bool Matches(Filter? filter, StoredPoint point)
    {
        if (filter is null)
        {
            return true;
        }

        return filter.Must.All(c => Holds(c, point))
            && (filter.Should.Count == 0 || filter.Should.Any(c => Holds(c, point)))
            && !filter.MustNot.Any(c => Holds(c, point));
    }

    private static bool Holds(Condition condition, StoredPoint point) => condition.ConditionOneOfCase switch
    {
        Condition.ConditionOneOfOneofCase.HasId => condition.HasId.HasId.Any(id => QdrantStandIn.Canonical(id) == point.Id),
        Condition.ConditionOneOfOneofCase.IsEmpty => Values(point.Payload, condition.IsEmpty.Key).All(v => v is null),
        Condition.ConditionOneOfOneofCase.IsNull => IsNull(point.Payload, condition.IsNull.Key),
        Condition.ConditionOneOfOneofCase.Filter => Matches(condition.Filter, point),
        _ => Field(condition.Field, point.Payload),
    };

    private static bool Field(FieldCondition condition, MapField<string, Value> payload)
    {
        var values = Values(payload, condition.Key).OfType<Value>().ToList();
        var holds = true;
        if (condition.Match is { } match)
        {
            holds &= Match(match, values);
        }

        if (condition.Range is { } range)
        {
            holds &= values.Any(v => Number(v) is { } n && InRange(range, n));
        }

        if (condition.HasIsEmpty)
        {
            holds &= (values.Count == 0) == condition.IsEmpty;
        }

        if (condition.HasIsNull)
        {
            holds &= IsNull(payload, condition.Key) == condition.IsNull;
        }

        return holds;
    }

    private static bool Match(Match match, List<Value> values) => match.MatchValueCase switch
    {
        Wire.Match.MatchValueOneofCase.Keyword => values.Any(v => v.KindCase == Value.KindOneofCase.StringValue && v.StringValue == match.Keyword),
        // Qdrant matches integers against integer payload values only.
        Wire.Match.MatchValueOneofCase.Integer => values.Any(v => v.KindCase == Value.KindOneofCase.IntegerValue && v.IntegerValue == match.Integer),
        Wire.Match.MatchValueOneofCase.Boolean => values.Any(v => v.KindCase == Value.KindOneofCase.BoolValue && v.BoolValue == match.Boolean),
        Wire.Match.MatchValueOneofCase.Keywords => values.Any(v => v.KindCase == Value.KindOneofCase.StringValue && match.Keywords.Strings.Contains(v.StringValue)),
        Wire.Match.MatchValueOneofCase.Integers => values.Any(v => v.KindCase == Value.KindOneofCase.IntegerValue && match.Integers.Integers.Contains(v.IntegerValue)),
        // As Qdrant: a missing key matches, and an array matches when one element is outside the list.
        Wire.Match.MatchValueOneofCase.ExceptKeywords => values.Count == 0 || values.Any(v => v.KindCase != Value.KindOneofCase.StringValue || !match.ExceptKeywords.Strings.Contains(v.StringValue)),
        Wire.Match.MatchValueOneofCase.ExceptIntegers => values.Count == 0 || values.Any(v => v.KindCase != Value.KindOneofCase.IntegerValue || !match.ExceptIntegers.Integers.Contains(v.IntegerValue)),
        _ => throw Invalid("Malformed Match condition"),
    };

    private static double? Number(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.IntegerValue => value.IntegerValue,
        Value.KindOneofCase.DoubleValue => value.DoubleValue,
        _ => null,
    };

    private static bool InRange(Wire.Range range, double value) =>
        (!range.HasGt || value > range.Gt) && (!range.HasGte || value >= range.Gte) && (!range.HasLt || value < range.Lt) && (!range.HasLte || value <= range.Lte);

    private static bool IsNull(MapField<string, Value> payload, string key)
    {
        var raw = Values(payload, key, flattenLeaf: false).ToList();
        return raw.Count > 0 && raw.All(v => v is null);
    }

    private static IEnumerable<Value?> Flatten(Value? value) =>
        value is { KindCase: Value.KindOneofCase.ListValue } list ? list.ListValue.Values : Enumerable.Repeat(value, 1);

    /// <summary>The values at a key path; a null entry stands for an explicit JSON null.</summary>
    private static IEnumerable<Value?> Values(MapField<string, Value> payload, string key, bool flattenLeaf = true)
    {
        IEnumerable<Value?> current = [new Value { StructValue = new Struct { Fields = { payload } } }];
        foreach (var segment in key.Split('.'))
        {
            var flatten = segment.EndsWith("[]", StringComparison.Ordinal);
            var name = flatten ? segment[..^2] : segment;
            current = current
                .SelectMany(Flatten)
                .Where(v => v is { KindCase: Value.KindOneofCase.StructValue } s && s.StructValue.Fields.ContainsKey(name))
                .Select(v => v!.StructValue.Fields[name])
                .Select(v => v.KindCase == Value.KindOneofCase.NullValue ? null : v);
            if (flatten)
            {
                current = current.SelectMany(Flatten);
            }
        }

        return flattenLeaf ? current.SelectMany(Flatten) : current;
    }

    private static void RequireKey(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw Invalid("Validation error: key must not be empty");
        }
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
