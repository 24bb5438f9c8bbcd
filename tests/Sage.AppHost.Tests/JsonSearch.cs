using System.Text.Json;

namespace Sage.AppHost.Tests;

/// <summary>
/// Finds values in Memory's responses by meaning rather than by exact shape, so these AppHost tests
/// check the wiring and leave the response contracts to Sage.Memory's own tests.
/// </summary>
internal static class JsonSearch
{
    /// <summary>The first object, at any depth, whose <paramref name="property"/> is the string <paramref name="value"/>.</summary>
    public static JsonElement? FindObjectWith(JsonElement element, string property, string value)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty(property, out var candidate)
                    && candidate.ValueKind == JsonValueKind.String
                    && candidate.GetString() == value)
                {
                    return element;
                }

                foreach (var child in element.EnumerateObject())
                {
                    if (FindObjectWith(child.Value, property, value) is { } found)
                    {
                        return found;
                    }
                }

                return null;

            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (FindObjectWith(item, property, value) is { } found)
                    {
                        return found;
                    }
                }

                return null;

            default:
                return null;
        }
    }

    /// <summary>
    /// The status reported for a dependency: <c>{"kv": {"status": …}}</c> or <c>{"kv": "…"}</c> at any depth,
    /// or an item <c>{"name": "kv", "status": …}</c>.
    /// </summary>
    public static string? StatusOf(JsonElement element, string dependency)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty(dependency, out var entry))
            {
                return entry.ValueKind switch
                {
                    JsonValueKind.String => entry.GetString(),
                    JsonValueKind.Object when entry.TryGetProperty("status", out var status) => status.GetString(),
                    _ => null,
                };
            }

            foreach (var child in element.EnumerateObject())
            {
                if (StatusOf(child.Value, dependency) is { } status)
                {
                    return status;
                }
            }
        }

        var named = FindObjectWith(element, "name", dependency);
        return named is { } item && item.TryGetProperty("status", out var itemStatus) ? itemStatus.GetString() : null;
    }
}
