using System.Text;

namespace Sage.Storage;

/// <summary>
/// What a key may be, on every backend and in Memory: 1 to <see cref="MaxKeyBytes"/> UTF-8 bytes, no control characters, and
/// addressable as one URL path segment (<c>/kv/{key}</c>, <c>/memory/{key}</c>): no <c>/</c>, and not <c>.</c> or <c>..</c>.
/// </summary>
public static class KeyRules
{
    /// <summary>Longest key in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 512;

    /// <summary>Null when <paramref name="key"/> is acceptable, otherwise what is wrong with it (after the field name).</summary>
    public static string? Check(string? key, int maxBytes = MaxKeyBytes)
    {
        if (CheckText(key, maxBytes) is { } problem)
            return problem;
        // Servers decode %2F apart from other escapes and collapse dot segments, so such a key could be written but never read back.
        if (key!.Contains('/', StringComparison.Ordinal) || key is "." or "..")
            return "must not contain '/' nor be '.' or '..': it must fit in one URL path segment.";
        return null;
    }

    /// <summary>
    /// Null when <paramref name="text"/> is acceptable where no URL path carries it (a glob pattern, a memory type), otherwise what is
    /// wrong with it: every rule of keys but the path-segment one.
    /// </summary>
    public static string? CheckText(string? text, int maxBytes = MaxKeyBytes)
    {
        if (string.IsNullOrEmpty(text))
            return "must not be empty.";
        if (Encoding.UTF8.GetByteCount(text) > maxBytes)
            return $"must be at most {maxBytes} bytes of UTF-8.";
        foreach (var c in text)
        {
            if (char.IsControl(c))
                return "must not contain control characters.";
        }
        return null;
    }
}
