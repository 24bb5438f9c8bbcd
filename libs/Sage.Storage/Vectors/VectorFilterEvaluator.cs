using System.Text.Json;

namespace Sage.Storage.Vectors;

/// <summary>
/// Compiles a <see cref="VectorFilter"/> into a predicate over a point's id and metadata, with Qdrant's semantics:
/// dotted keys walk nested objects (arrays on the way fan out; <c>a[].b</c> and <c>a.b</c> mean the same), an array value
/// matches when any element does, numbers compare numerically (1 equals 1.0), <c>is_empty</c> holds for a missing key,
/// null or <c>[]</c>, and <c>except</c> needs the key to exist with at least one value outside the list.
/// </summary>
public static class VectorFilterEvaluator
{
    private static readonly Func<string, JsonElement?, bool> MatchAll = static (_, _) => true;

    /// <summary>A predicate that is true for the points <paramref name="filter"/> selects (every point when null).</summary>
    public static Func<string, JsonElement?, bool> Compile(VectorFilter? filter) => filter is null ? MatchAll : CompileFilter(filter);

    private static Func<string, JsonElement?, bool> CompileFilter(VectorFilter filter)
    {
        var must = (filter.Must ?? []).Select(CompileCondition).ToArray();
        var should = (filter.Should ?? []).Select(CompileCondition).ToArray();
        var mustNot = (filter.MustNot ?? []).Select(CompileCondition).ToArray();
        if (must.Length + should.Length + mustNot.Length == 0)
        {
            return MatchAll;
        }
        return (id, metadata) =>
        {
            foreach (var condition in must)
            {
                if (!condition(id, metadata)) return false;
            }
            foreach (var condition in mustNot)
            {
                if (condition(id, metadata)) return false;
            }
            if (should.Length == 0) return true;
            foreach (var condition in should)
            {
                if (condition(id, metadata)) return true;
            }
            return false;
        };
    }

    private static Func<string, JsonElement?, bool> CompileCondition(FilterCondition condition)
    {
        switch (condition)
        {
            case MatchValueCondition match:
                var one = new ScalarSet([match.Value]);
                return OnValues(match.Key, static (set, value) => set.Contains(value), one, emptyResult: false);
            case MatchAnyCondition any:
                return OnValues(any.Key, static (set, value) => set.Contains(value), new ScalarSet(any.Values), emptyResult: false);
            case MatchExceptCondition except:
                return OnValues(except.Key, static (set, value) => !set.Contains(value), new ScalarSet(except.Values), emptyResult: false);
            case RangeCondition range:
                return OnValues(range.Key, static (r, value) => value.ValueKind == JsonValueKind.Number && InRange(r, value.GetDouble()), range, emptyResult: false);
            case HasIdCondition hasId:
                var ids = new HashSet<string>(hasId.Ids, StringComparer.Ordinal);
                return (id, _) => ids.Contains(id);
            case IsEmptyCondition isEmpty:
                var path = SplitKey(isEmpty.Key);
                return (_, metadata) => metadata is not { ValueKind: JsonValueKind.Object } root || !AnyValue(root, path, 0, static (_, _) => true, 0);
            case NestedFilterCondition nested:
                return CompileFilter(nested.Filter);
            default:
                throw new StorageException(StorageError.Invalid, $"Unsupported filter condition {condition.GetType().Name}.", "filter");
        }
    }

    private static Func<string, JsonElement?, bool> OnValues<TState>(string key, Func<TState, JsonElement, bool> test, TState state, bool emptyResult)
    {
        var path = SplitKey(key);
        return (_, metadata) => metadata is { ValueKind: JsonValueKind.Object } root ? AnyValue(root, path, 0, test, state) : emptyResult;
    }

    private static string[] SplitKey(string key) =>
        key.Split('.').Select(segment => segment.EndsWith("[]", StringComparison.Ordinal) ? segment[..^2] : segment).ToArray();

    // True when any non-null value at path[index..] under element passes test; arrays fan out at every level.
    private static bool AnyValue<TState>(JsonElement element, string[] path, int index, Func<TState, JsonElement, bool> test, TState state)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (AnyValue(item, path, index, test, state)) return true;
                }
                return false;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return false;
        }
        if (index == path.Length)
        {
            return test(state, element);
        }
        return element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty(path[index], out var child)
            && AnyValue(child, path, index + 1, test, state);
    }

    private static bool InRange(RangeCondition range, double value) =>
        (range.Gt is not { } gt || value > gt)
        && (range.Gte is not { } gte || value >= gte)
        && (range.Lt is not { } lt || value < lt)
        && (range.Lte is not { } lte || value <= lte);

    /// <summary>Strings, numbers and booleans to match against, numbers by value.</summary>
    private sealed class ScalarSet
    {
        private readonly HashSet<string> _strings = new(StringComparer.Ordinal);
        private readonly HashSet<double> _numbers = [];
        private bool _true;
        private bool _false;

        public ScalarSet(IEnumerable<JsonElement> values)
        {
            foreach (var value in values)
            {
                switch (value.ValueKind)
                {
                    case JsonValueKind.String: _strings.Add(value.GetString()!); break;
                    case JsonValueKind.Number: _numbers.Add(value.GetDouble()); break;
                    case JsonValueKind.True: _true = true; break;
                    case JsonValueKind.False: _false = true; break;
                }
            }
        }

        public bool Contains(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => _strings.Contains(value.GetString()!),
            JsonValueKind.Number => value.TryGetDouble(out var d) && _numbers.Contains(d),
            JsonValueKind.True => _true,
            JsonValueKind.False => _false,
            _ => false,
        };
    }
}
