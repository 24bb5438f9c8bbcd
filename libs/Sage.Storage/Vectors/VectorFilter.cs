using System.Text.Json;

namespace Sage.Storage.Vectors;

/// <summary>
/// The one filter language of every vector backend: the Qdrant subset. A point matches when every
/// <see cref="Must"/> condition holds, at least one <see cref="Should"/> condition holds (if any are given),
/// and no <see cref="MustNot"/> condition holds. Parse from JSON with <c>VectorFilterParser</c>.
/// </summary>
public sealed record VectorFilter(
    IReadOnlyList<FilterCondition>? Must = null,
    IReadOnlyList<FilterCondition>? Should = null,
    IReadOnlyList<FilterCondition>? MustNot = null)
{
    /// <summary>True when the filter has no condition at all, so it matches every point.</summary>
    public bool IsEmpty => (Must?.Count ?? 0) == 0 && (Should?.Count ?? 0) == 0 && (MustNot?.Count ?? 0) == 0;
}

/// <summary>One condition of a filter.</summary>
public abstract record FilterCondition;

/// <summary><c>{"key":"a.b","match":{"value":v}}</c>: the metadata value at the path equals <paramref name="Value"/> (string, number or bool); for an array value, any element equals it.</summary>
public sealed record MatchValueCondition(string Key, JsonElement Value) : FilterCondition;

/// <summary><c>{"key":…,"match":{"any":[…]}}</c>: the value equals one of <paramref name="Values"/>.</summary>
public sealed record MatchAnyCondition(string Key, IReadOnlyList<JsonElement> Values) : FilterCondition;

/// <summary><c>{"key":…,"match":{"except":[…]}}</c>: the value exists and equals none of <paramref name="Values"/>.</summary>
public sealed record MatchExceptCondition(string Key, IReadOnlyList<JsonElement> Values) : FilterCondition;

/// <summary><c>{"key":…,"range":{"gt","gte","lt","lte"}}</c> over numbers.</summary>
public sealed record RangeCondition(string Key, double? Gt = null, double? Gte = null, double? Lt = null, double? Lte = null) : FilterCondition;

/// <summary><c>{"has_id":[…]}</c>: the point id is one of <paramref name="Ids"/>.</summary>
public sealed record HasIdCondition(IReadOnlyList<string> Ids) : FilterCondition;

/// <summary><c>{"is_empty":{"key":…}}</c>: the key is missing, null or an empty array.</summary>
public sealed record IsEmptyCondition(string Key) : FilterCondition;

/// <summary>A filter nested as a condition, e.g. <c>{"should":[…]}</c> inside <c>must</c>.</summary>
public sealed record NestedFilterCondition(VectorFilter Filter) : FilterCondition;
