using System.Buffers.Text;
using System.Text;

namespace Sage.Storage.Vectors.Embedded;

/// <summary>An opaque scroll cursor: the last id returned, base64url-encoded, so pages continue in id order.</summary>
internal static class ScrollCursor
{
    private const string Prefix = "e1.";

    public static string Encode(string lastId) => Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastId));

    public static string Decode(string cursor)
    {
        try
        {
            if (cursor.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor.AsSpan(Prefix.Length)));
            }
        }
        catch (FormatException)
        {
        }
        throw StorageException.Invalid("cursor", "The cursor is not one this store returned; start again without a cursor.");
    }
}
