using System.Security.Cryptography;
using System.Text.Json;

namespace Sage.Storage.Kv;

/// <summary>
/// How every backend turns a JSON value into stored text and an ETag, so the same value
/// has the same ETag in memory and in Redis (where a Lua script computes it with <c>redis.sha1hex</c>).
/// </summary>
public static class KvValue
{
    /// <summary>The compact UTF-8 JSON text stored for <paramref name="value"/>.</summary>
    public static byte[] Encode(JsonElement value) => JsonSerializer.SerializeToUtf8Bytes(value);

    /// <summary>Parses stored text back into a value that outlives any buffer.</summary>
    public static JsonElement Decode(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>Lowercase hex SHA-1 of the stored text.</summary>
    public static string ETagOf(ReadOnlySpan<byte> utf8Json) => Convert.ToHexStringLower(SHA1.HashData(utf8Json));
}
