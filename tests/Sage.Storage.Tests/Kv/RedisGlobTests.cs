using Sage.Storage.Kv;

namespace Sage.Storage.Tests.Kv;

public sealed class RedisGlobTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-b]llo", "hbllo", true)]
    [InlineData("h[b-a]llo", "hallo", true)]
    [InlineData("h\\*llo", "h*llo", true)]
    [InlineData("h\\*llo", "hello", false)]
    [InlineData("[\\]]", "]", true)]
    [InlineData("a[bc", "ab", true)]
    [InlineData("a\\", "a\\", true)]
    [InlineData("**a**", "xxaxx", true)]
    public void IsMatch_follows_redis_semantics(string pattern, string text, bool expected) =>
        Assert.Equal(expected, RedisGlob.IsMatch(pattern, text));

    [Fact]
    public void IsMatch_stays_fast_on_pathological_star_patterns()
    {
        var text = new string('a', 5000);
        Assert.False(RedisGlob.IsMatch("*a*a*a*a*a*a*a*a*a*a*b", text));
    }

    [Theory]
    [InlineData("plain:key", true)]
    [InlineData("with*", false)]
    [InlineData("with?", false)]
    [InlineData("with[x]", false)]
    [InlineData("with\\x", false)]
    public void IsLiteral_detects_special_characters(string pattern, bool expected) =>
        Assert.Equal(expected, RedisGlob.IsLiteral(pattern));

    [Theory]
    [InlineData("plain:")]
    [InlineData("we*ird?[x]\\")]
    public void Escape_makes_a_literal_match_only_itself(string literal)
    {
        Assert.True(RedisGlob.IsMatch(RedisGlob.Escape(literal) + "*", literal + "tail"));
        Assert.False(RedisGlob.IsMatch(RedisGlob.Escape(literal), literal + "x"));
        Assert.False(RedisGlob.IsMatch(RedisGlob.Escape("a*"), "abc"));
    }
}
