using System.Text;

namespace Sage.Storage;

/// <summary>What a key may be, on every backend: 1 to <see cref="MaxKeyBytes"/> UTF-8 bytes, no control characters.</summary>
public static class KeyRules
{
    /// <summary>Longest key in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 512;

    /// <summary>Null when <paramref name="key"/> is acceptable, otherwise what is wrong with it.</summary>
    public static string? Check(string? key, int maxBytes = MaxKeyBytes)
    {
        if (string.IsNullOrEmpty(key))
            return "must not be empty.";
        if (Encoding.UTF8.GetByteCount(key) > maxBytes)
            return $"must be at most {maxBytes} bytes of UTF-8.";
        foreach (var c in key)
        {
            if (char.IsControl(c))
                return "must not contain control characters.";
        }
        return null;
    }
}
