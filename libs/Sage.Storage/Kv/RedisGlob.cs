namespace Sage.Storage.Kv;

/// <summary>
/// Redis's glob matching (as in KEYS/SCAN MATCH): <c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[^abc]</c>, <c>[a-z]</c>
/// and <c>\</c> escapes, so a pattern selects the same keys on the memory backend as on Redis.
/// </summary>
public static class RedisGlob
{
    /// <summary>True when <paramref name="text"/> matches <paramref name="pattern"/>.</summary>
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // Every token but '*' consumes exactly one character, so backtracking to the last star is enough:
        // linear in practice, never exponential however many stars the pattern has.
        int p = 0, t = 0, afterStar = -1, starText = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                while (p < pattern.Length && pattern[p] == '*')
                    p++;
                afterStar = p;
                starText = t;
                continue;
            }
            if (p < pattern.Length && MatchOne(pattern, p, text[t], out var next))
            {
                p = next;
                t++;
                continue;
            }
            if (afterStar < 0)
                return false;
            p = afterStar;
            t = ++starText;
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }

    /// <summary><paramref name="literal"/> with its glob characters escaped, so it matches only itself (e.g. a key prefix).</summary>
    public static string Escape(string literal)
    {
        var escaped = new System.Text.StringBuilder(literal.Length + 4);
        foreach (var c in literal)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
                escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    /// <summary>True when a pattern has no special characters, i.e. names exactly one key.</summary>
    public static bool IsLiteral(ReadOnlySpan<char> pattern) => pattern.IndexOfAny("*?[\\") < 0;

    // Matches the single-character token at pattern[p]; next is the index after it.
    private static bool MatchOne(ReadOnlySpan<char> pattern, int p, char c, out int next)
    {
        switch (pattern[p])
        {
            case '?':
                next = p + 1;
                return true;
            case '[':
                return MatchClass(pattern, p + 1, c, out next);
            case '\\' when p + 1 < pattern.Length:
                next = p + 2;
                return pattern[p + 1] == c;
            default:
                next = p + 1;
                return pattern[p] == c;
        }
    }

    // p is just after '['; next is just after the closing ']' (or the end, for an unclosed class, as Redis does).
    private static bool MatchClass(ReadOnlySpan<char> pattern, int p, char c, out int next)
    {
        var negate = p < pattern.Length && pattern[p] == '^';
        if (negate)
            p++;

        var matched = false;
        while (p < pattern.Length && pattern[p] != ']')
        {
            if (pattern[p] == '\\' && p + 1 < pattern.Length)
            {
                matched |= pattern[p + 1] == c;
                p += 2;
            }
            else if (p + 2 < pattern.Length && pattern[p + 1] == '-')
            {
                var (low, high) = pattern[p] <= pattern[p + 2] ? (pattern[p], pattern[p + 2]) : (pattern[p + 2], pattern[p]);
                matched |= c >= low && c <= high;
                p += 3;
            }
            else
            {
                matched |= pattern[p] == c;
                p++;
            }
        }
        next = Math.Min(p + 1, pattern.Length);
        return negate ? !matched : matched;
    }
}
