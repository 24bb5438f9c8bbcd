using System.Text.Json;
using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors;

public sealed class VectorFilterParserTests
{
    private static VectorFilter Parse(string json) => VectorFilterParser.Parse(JsonDocument.Parse(json).RootElement);

    [Theory]
    [InlineData("[]", "filter")]
    [InlineData("\"x\"", "filter")]
    [InlineData("""{"must":{"key":"a"}}""", "filter.must")]
    [InlineData("""{"must":"x"}""", "filter.must")]
    [InlineData("""{"min_should":{}}""", "filter.min_should")]
    [InlineData("""{"must":[1]}""", "filter.must[0]")]
    [InlineData("""{"must":[{}]}""", "filter.must[0]")]
    [InlineData("""{"must":[{"nested":{"key":"a","filter":{}}}]}""", "filter.must[0].nested")]
    [InlineData("""{"must":[{"key":"a"}]}""", "filter.must[0]")]
    [InlineData("""{"must":[{"key":5,"match":{"value":1}}]}""", "filter.must[0].key")]
    [InlineData("""{"must":[{"key":"","match":{"value":1}}]}""", "filter.must[0].key")]
    [InlineData("""{"must":[{"key":"a..b","match":{"value":1}}]}""", "filter.must[0].key")]
    [InlineData("""{"must":[{"key":"a","match":{"value":1},"range":{"gt":1}}]}""", "filter.must[0]")]
    [InlineData("""{"must":[{"key":"a","geo_radius":{}}]}""", "filter.must[0].geo_radius")]
    [InlineData("""{"must":[{"key":"a","match":5}]}""", "filter.must[0].match")]
    [InlineData("""{"must":[{"key":"a","match":{}}]}""", "filter.must[0].match")]
    [InlineData("""{"must":[{"key":"a","match":{"text":"x"}}]}""", "filter.must[0].match.text")]
    [InlineData("""{"must":[{"key":"a","match":{"value":1,"any":[2]}}]}""", "filter.must[0].match.any")]
    [InlineData("""{"must":[{"key":"a","match":{"value":null}}]}""", "filter.must[0].match.value")]
    [InlineData("""{"must":[{"key":"a","match":{"value":{"x":1}}}]}""", "filter.must[0].match.value")]
    [InlineData("""{"must":[{"key":"a","match":{"any":"x"}}]}""", "filter.must[0].match.any")]
    [InlineData("""{"must":[{"key":"a","match":{"any":["x",[1]]}}]}""", "filter.must[0].match.any[1]")]
    [InlineData("""{"should":[{"key":"a","match":{"except":[null]}}]}""", "filter.should[0].match.except[0]")]
    [InlineData("""{"must":[{"key":"a","range":[1]}]}""", "filter.must[0].range")]
    [InlineData("""{"must":[{"key":"a","range":{}}]}""", "filter.must[0].range")]
    [InlineData("""{"must":[{"key":"a","range":{"gt":"1"}}]}""", "filter.must[0].range.gt")]
    [InlineData("""{"must":[{"key":"a","range":{"between":1}}]}""", "filter.must[0].range.between")]
    [InlineData("""{"must":[{"has_id":"p1"}]}""", "filter.must[0].has_id")]
    [InlineData("""{"must":[{"has_id":["p1",true]}]}""", "filter.must[0].has_id[1]")]
    [InlineData("""{"must":[{"has_id":["p1"],"key":"a"}]}""", "filter.must[0].has_id")]
    [InlineData("""{"must":[{"has_id":["p1"],"extra":1}]}""", "filter.must[0].extra")]
    [InlineData("""{"must":[{"is_empty":"a"}]}""", "filter.must[0].is_empty")]
    [InlineData("""{"must":[{"is_empty":{}}]}""", "filter.must[0].is_empty.key")]
    [InlineData("""{"must":[{"is_empty":{"key":"a","x":1}}]}""", "filter.must[0].is_empty.x")]
    [InlineData("""{"must_not":[{"should":[{"key":"a","match":{"vaule":1}}]}]}""", "filter.must_not[0].should[0].match.vaule")]
    [InlineData("""{"must":[{"must":[{"key":"a","range":{"lt":null}}]}]}""", "filter.must[0].must[0].range")]
    [InlineData("""{"must":[{"should":[],"bogus":1}]}""", "filter.must[0].bogus")]
    public void Malformed_IsInvalid_NamingTheExactPath(string json, string field)
    {
        var exception = Assert.Throws<StorageException>(() => Parse(json));
        Assert.Equal(StorageError.Invalid, exception.Error);
        Assert.Equal(field, exception.Field);
        Assert.False(string.IsNullOrWhiteSpace(exception.Message));
    }

    [Fact]
    public void DeepNesting_IsInvalid()
    {
        var json = string.Concat(Enumerable.Repeat("""{"must":[""", 20)) + "{}" + string.Concat(Enumerable.Repeat("]}", 20));
        Assert.Equal(StorageError.Invalid, Assert.Throws<StorageException>(() => Parse(json)).Error);
    }

    [Fact]
    public void CustomPath_PrefixesFields()
    {
        var exception = Assert.Throws<StorageException>(() => VectorFilterParser.Parse(JsonDocument.Parse("""{"must":[{}]}""").RootElement, "query.filter"));
        Assert.Equal("query.filter.must[0]", exception.Field);
    }

    [Fact]
    public void EveryConditionKind_Parses()
    {
        var filter = Parse("""
            {"must":[{"key":"a.b","match":{"value":"x"}},{"key":"n","range":{"gte":1,"lt":2.5}}],
             "should":[{"key":"c","match":{"any":[1,"y",true]}},{"has_id":["p1",7]}],
             "must_not":[{"key":"d","match":{"except":[false]}},{"is_empty":{"key":"e"}},{"should":[{"key":"f","match":{"value":1}}]}]}
            """);
        Assert.Equal("x", Assert.IsType<MatchValueCondition>(filter.Must![0]).Value.GetString());
        Assert.Equal(new RangeCondition("n", Gte: 1, Lt: 2.5), filter.Must[1]);
        Assert.Equal(3, Assert.IsType<MatchAnyCondition>(filter.Should![0]).Values.Count);
        Assert.Equal(["p1", "7"], Assert.IsType<HasIdCondition>(filter.Should[1]).Ids);
        Assert.IsType<MatchExceptCondition>(filter.MustNot![0]);
        Assert.Equal(new IsEmptyCondition("e"), filter.MustNot[1]);
        Assert.Single(Assert.IsType<NestedFilterCondition>(filter.MustNot[2]).Filter.Should!);
    }

    [Fact]
    public void NullClauses_AndEmptyFilter_MatchEverything()
    {
        var predicate = VectorFilterEvaluator.Compile(Parse("""{"must":null,"should":[],"must_not":null}"""));
        Assert.True(predicate("x", null));
    }
}
