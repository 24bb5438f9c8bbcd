using System.Text.Json;
using Sage.ServiceDefaults.Http;
using Sage.Storage;
using Sage.Storage.Vectors;

namespace Sage.Memory.Memories;

/// <summary>The request rules of the Memory API; each records the wire name of the field at fault.</summary>
public static class MemoryValidation
{
    public static void Key(RequestValidation errors, string? key, string field = "key")
    {
        if (KeyRules.Check(key, MemoryLayout.MaxKeyBytes) is { } problem)
            errors.Add(field, $"{field} {problem}");
    }

    public static void SessionId(RequestValidation errors, string? sessionId, string field = "session_id")
    {
        if (sessionId is not null && KeyRules.Check(sessionId, MemoryLayout.MaxSessionIdBytes) is { } problem)
            errors.Add(field, $"{field} {problem}");
    }

    public static void MemoryType(RequestValidation errors, string? memoryType, string field = "memory_type")
    {
        if (memoryType is not null && KeyRules.CheckText(memoryType, MemoryLayout.MaxMemoryTypeBytes) is { } problem)
            errors.Add(field, $"{field} {problem}");
    }

    public static void Ttl(RequestValidation errors, long? ttl, string field = "ttl")
    {
        if (TtlRules.Check(ttl) is { } problem)
            errors.Add(field, $"{field} {problem}");
    }

    public static void Metadata(RequestValidation errors, JsonElement? metadata, string field = "metadata") =>
        errors.Require(metadata is null or { ValueKind: JsonValueKind.Object or JsonValueKind.Null }, field, $"{field} must be a JSON object.");

    /// <summary>Present, non-empty, finite and not longer than any collection may be; the dimension is checked against the collection later.</summary>
    public static void Vector(RequestValidation errors, float[]? vector, string field = "vector", bool required = false)
    {
        if (vector is null)
        {
            errors.Require(!required, field, $"{field} is required.");
            return;
        }
        if (vector.Length == 0 || vector.Length > VectorRequestValidator.MaxDimension)
        {
            errors.Add(field, $"{field} must have 1 to {VectorRequestValidator.MaxDimension} components.");
            return;
        }
        var bad = Array.FindIndex(vector, x => !float.IsFinite(x));
        errors.Require(bad < 0, field, $"{field} component {bad} is not a finite number.");
    }

    /// <summary>Data is required (any JSON but null) and at most <paramref name="maxBytes"/>; over it is a 413 naming the field.</summary>
    public static void Data(RequestValidation errors, JsonElement? data, int maxBytes, string field = "data", bool required = true)
    {
        if (data is not { ValueKind: not JsonValueKind.Undefined } value)
        {
            errors.Require(!required, field, $"{field} is required (any JSON value but null).");
            return;
        }
        if (value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(field, $"{field} must not be null; to remove a memory, DELETE it.");
            return;
        }
        var size = JsonSerializer.SerializeToUtf8Bytes(value).Length;
        if (size > maxBytes)
            throw new StorageException(StorageError.TooLarge, $"{field} is {size} bytes; the limit is {maxBytes} (Sage:Memory:MaxDataBytes).", field);
    }

    /// <summary>Parses a user filter, recording a parse failure against its exact path.</summary>
    public static VectorFilter? Filter(RequestValidation errors, JsonElement? filter, string field = "filter")
    {
        if (filter is not { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } json)
            return null;
        try
        {
            return MemoryLayout.RewriteUserFilter(VectorFilterParser.Parse(json, field));
        }
        catch (StorageException e) when (e.Error == StorageError.Invalid)
        {
            errors.Add(e.Field ?? field, e.Message);
            return null;
        }
    }
}
