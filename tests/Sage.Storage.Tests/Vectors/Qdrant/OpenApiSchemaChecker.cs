using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>
/// A small JSON-schema checker over Microsoft.OpenApi's model: $ref (resolved by the model), type, nullable,
/// properties, required, additionalProperties, anyOf/oneOf/allOf, enum, format (uint*, int64, uuid, float/double),
/// items, min/maxItems, uniqueItems, minimum/maximum, min/maxLength and pattern. Unknown properties count as errors
/// (strict), because Qdrant refuses fields it does not know.
/// </summary>
internal static class OpenApiSchemaChecker
{
    public static List<string> Check(IOpenApiSchema schema, JsonElement value, string at = "$")
    {
        var errors = new List<string>();
        CheckInto(schema, value, at, errors);
        return errors;
    }

    private static void CheckInto(IOpenApiSchema schema, JsonElement value, string at, List<string> errors)
    {
        if (schema.AllOf is { Count: > 0 } allOf)
        {
            foreach (var part in allOf)
            {
                CheckInto(part, value, at, errors);
            }
        }

        if (schema.AnyOf is { Count: > 0 } anyOf)
        {
            var branchErrors = anyOf.Select(branch => Branch(branch, value, at)).ToList();
            if (branchErrors.All(e => e.Count > 0))
            {
                errors.Add($"{at}: matches none of {anyOf.Count} anyOf branches; closest: {string.Join("; ", branchErrors.OrderBy(e => e.Count).First())}");
            }
        }

        if (schema.OneOf is { Count: > 0 } oneOf)
        {
            var passing = oneOf.Count(branch => Branch(branch, value, at).Count == 0);
            if (passing != 1)
            {
                errors.Add($"{at}: matches {passing} of the oneOf branches, must match exactly 1");
            }
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            if (schema.Type is { } nullType && !nullType.HasFlag(JsonSchemaType.Null))
            {
                errors.Add($"{at}: null is not allowed (type {nullType})");
            }

            return;
        }

        if (schema.Type is { } type && type != JsonSchemaType.Null)
        {
            if (!KindMatches(type, value))
            {
                errors.Add($"{at}: expected {type}, got {value.ValueKind}");
                return;
            }
        }
        else if (schema.Type == JsonSchemaType.Null)
        {
            errors.Add($"{at}: only null is allowed, got {value.ValueKind}");
            return;
        }

        CheckEnum(schema, value, at, errors);
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                CheckNumber(schema, value, at, errors);
                break;
            case JsonValueKind.String:
                CheckString(schema, value.GetString()!, at, errors);
                break;
            case JsonValueKind.Array:
                CheckArray(schema, value, at, errors);
                break;
            case JsonValueKind.Object:
                CheckObject(schema, value, at, errors);
                break;
        }
    }

    /// <summary>
    /// One branch of anyOf/oneOf. Microsoft.OpenApi reads OpenAPI 3.0's bare <c>{"nullable": true}</c> branch as an empty
    /// schema that would accept anything; in Qdrant's document every such branch means "or null", so it accepts only null.
    /// </summary>
    private static List<string> Branch(IOpenApiSchema branch, JsonElement value, string at) =>
        IsBareNullable(branch)
            ? value.ValueKind == JsonValueKind.Null ? [] : [$"{at}: only null is allowed here, got {value.ValueKind}"]
            : Check(branch, value, at);

    private static bool IsBareNullable(IOpenApiSchema schema) =>
        schema is not OpenApiSchemaReference && schema.Type is null
        && schema.AnyOf is not { Count: > 0 } && schema.OneOf is not { Count: > 0 } && schema.AllOf is not { Count: > 0 }
        && schema.Enum is not { Count: > 0 } && schema.Properties is not { Count: > 0 } && schema.Items is null
        && schema.AdditionalProperties is null;

    private static bool KindMatches(JsonSchemaType type, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => type.HasFlag(JsonSchemaType.String),
        JsonValueKind.True or JsonValueKind.False => type.HasFlag(JsonSchemaType.Boolean),
        JsonValueKind.Number => type.HasFlag(JsonSchemaType.Number) || (type.HasFlag(JsonSchemaType.Integer) && IsInteger(value)),
        JsonValueKind.Array => type.HasFlag(JsonSchemaType.Array),
        JsonValueKind.Object => type.HasFlag(JsonSchemaType.Object),
        _ => false,
    };

    private static bool IsInteger(JsonElement value) => value.TryGetInt64(out _) || value.TryGetUInt64(out _);

    private static void CheckEnum(IOpenApiSchema schema, JsonElement value, string at, List<string> errors)
    {
        if (schema.Enum is not { Count: > 0 } options)
        {
            return;
        }

        if (!options.Any(option => option is not null && JsonElement.DeepEquals(JsonDocument.Parse(option.ToJsonString()).RootElement, value)))
        {
            errors.Add($"{at}: {value.GetRawText()} is not one of [{string.Join(", ", options.Select(o => o?.ToJsonString()))}]");
        }
    }

    private static void CheckNumber(IOpenApiSchema schema, JsonElement value, string at, List<string> errors)
    {
        var number = value.GetDouble();
        switch (schema.Format)
        {
            case "uint" or "uint64" or "uint32" or "uint8" when !value.TryGetUInt64(out _):
                errors.Add($"{at}: {value.GetRawText()} is not an unsigned integer ({schema.Format})");
                break;
            case "uint32" when value.GetUInt64() > uint.MaxValue:
            case "uint8" when value.GetUInt64() > byte.MaxValue:
            case "int64" when !value.TryGetInt64(out _):
                errors.Add($"{at}: {value.GetRawText()} is out of range for {schema.Format}");
                break;
        }

        if (Bound(schema.Minimum) is { } minimum && number < minimum)
        {
            errors.Add($"{at}: {number} is below the minimum {minimum}");
        }

        if (Bound(schema.Maximum) is { } maximum && number > maximum)
        {
            errors.Add($"{at}: {number} is above the maximum {maximum}");
        }
    }

    private static double? Bound(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound) ? bound : null;

    private static void CheckString(IOpenApiSchema schema, string text, string at, List<string> errors)
    {
        if (schema.Format == "uuid" && !Guid.TryParseExact(text, "D", out _))
        {
            errors.Add($"{at}: '{text}' is not a UUID");
        }

        if (schema.MinLength is { } minLength && text.Length < minLength)
        {
            errors.Add($"{at}: shorter than {minLength}");
        }

        if (schema.MaxLength is { } maxLength && text.Length > maxLength)
        {
            errors.Add($"{at}: longer than {maxLength}");
        }

        if (schema.Pattern is { Length: > 0 } pattern && !Regex.IsMatch(text, pattern))
        {
            errors.Add($"{at}: '{text}' does not match {pattern}");
        }
    }

    private static void CheckArray(IOpenApiSchema schema, JsonElement value, string at, List<string> errors)
    {
        var length = value.GetArrayLength();
        if (schema.MinItems is { } minItems && length < minItems)
        {
            errors.Add($"{at}: {length} items, at least {minItems} required");
        }

        if (schema.MaxItems is { } maxItems && length > maxItems)
        {
            errors.Add($"{at}: {length} items, at most {maxItems} allowed");
        }

        if (schema.UniqueItems == true)
        {
            var items = value.EnumerateArray().ToList();
            for (var i = 0; i < items.Count; i++)
            {
                for (var j = i + 1; j < items.Count; j++)
                {
                    if (JsonElement.DeepEquals(items[i], items[j]))
                    {
                        errors.Add($"{at}: items {i} and {j} are equal but must be unique");
                    }
                }
            }
        }

        if (schema.Items is { } itemSchema)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                CheckInto(itemSchema, item, $"{at}[{index++}]", errors);
            }
        }
    }

    private static void CheckObject(IOpenApiSchema schema, JsonElement value, string at, List<string> errors)
    {
        foreach (var required in schema.Required ?? new HashSet<string>())
        {
            if (!value.TryGetProperty(required, out _))
            {
                errors.Add($"{at}: required property '{required}' is missing");
            }
        }

        var properties = schema.Properties;
        foreach (var property in value.EnumerateObject())
        {
            var where = $"{at}.{property.Name}";
            if (properties is not null && properties.TryGetValue(property.Name, out var propertySchema))
            {
                CheckInto(propertySchema, property.Value, where, errors);
            }
            else if (schema.AdditionalProperties is { } additional)
            {
                CheckInto(additional, property.Value, where, errors);
            }
            else if (!schema.AdditionalPropertiesAllowed || properties is { Count: > 0 })
            {
                errors.Add($"{at}: unknown property '{property.Name}'");
            }
        }
    }
}
