using System.Text.Json;
using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors;

public sealed class VectorFilterEvaluatorTests
{
    private static bool Matches(string filter, string? metadata, string id = "p") =>
        VectorFilterEvaluator.Compile(VectorFilterParser.Parse(JsonDocument.Parse(filter).RootElement))(id, metadata is null ? null : JsonDocument.Parse(metadata).RootElement);

    [Theory]
    [InlineData("""{"key":"n","match":{"value":1}}""", """{"n":1.0}""", true)]
    [InlineData("""{"key":"n","match":{"value":1.0}}""", """{"n":1}""", true)]
    [InlineData("""{"key":"n","match":{"value":"1"}}""", """{"n":1}""", false)]
    [InlineData("""{"key":"n","match":{"value":true}}""", """{"n":"true"}""", false)]
    [InlineData("""{"key":"a.b.c","match":{"value":"x"}}""", """{"a":{"b":{"c":"x"}}}""", true)]
    [InlineData("""{"key":"a.b","match":{"value":"x"}}""", """{"a":[{"b":"y"},{"b":["z","x"]}]}""", true)]
    [InlineData("""{"key":"a.b","match":{"value":"x"}}""", """{"a":"x"}""", false)]
    [InlineData("""{"key":"t","match":{"except":["a"]}}""", """{"t":["a","b"]}""", true)]
    [InlineData("""{"key":"t","match":{"except":["a"]}}""", """{"t":["a"]}""", false)]
    [InlineData("""{"key":"t","match":{"except":["a"]}}""", """{"t":null}""", false)]
    [InlineData("""{"key":"t","match":{"except":["a"]}}""", """{}""", false)]
    [InlineData("""{"key":"t","match":{"any":[]}}""", """{"t":"a"}""", false)]
    [InlineData("""{"key":"r","range":{"gte":1,"lte":1}}""", """{"r":[0,1,5]}""", true)]
    [InlineData("""{"key":"r","range":{"gt":1}}""", """{"r":"5"}""", false)]
    [InlineData("""{"is_empty":{"key":"t"}}""", """{"t":[]}""", true)]
    [InlineData("""{"is_empty":{"key":"t"}}""", """{"t":null}""", true)]
    [InlineData("""{"is_empty":{"key":"t"}}""", """{"t":""}""", false)]
    [InlineData("""{"is_empty":{"key":"t"}}""", """{"t":0}""", false)]
    [InlineData("""{"is_empty":{"key":"t"}}""", null, true)]
    [InlineData("""{"key":"t","match":{"value":"a"}}""", null, false)]
    public void Condition_FollowsQdrantSemantics(string condition, string? metadata, bool expected) =>
        Assert.Equal(expected, Matches($$"""{"must":[{{condition}}]}""", metadata));

    [Fact]
    public void HasId_IsOrdinal() => Assert.False(Matches("""{"must":[{"has_id":["P"]}]}""", null, "p"));
}
