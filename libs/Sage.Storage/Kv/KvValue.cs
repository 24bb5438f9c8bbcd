using System.Security.Cryptography;
using System.Text.Json;

namespace Sage.Storage.Kv;

/// <summary>How every backend turns a JSON value into stored text, and how it makes ETags.</summary>
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

    /// <summary>Characters of a version ETag.</summary>
    public const int VersionLength = 16;

    /// <summary>
    /// A new ETag for one write: 64 random bits as lowercase hex. Random rather than counted, so a restarted or another
    /// process never hands out an ETag that an old compare-and-set still holds.
    /// </summary>
    public static string NewVersion() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(VersionLength / 2));

    /// <summary>Lowercase hex SHA-1 of stored text: the ETag of a Redis value written before ETags were versions.</summary>
    public static string ETagOf(ReadOnlySpan<byte> utf8Json) => Convert.ToHexStringLower(SHA1.HashData(utf8Json));
}
