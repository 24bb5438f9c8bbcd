using System.Text.Json;
using Google.Protobuf;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Qdrant;
using QdrantFilter = Qdrant.Client.Grpc.Filter;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>Each filter condition in Qdrant.Client's types, written as the protobuf JSON of Qdrant's <c>Filter</c> message.</summary>
public sealed class QdrantFilterTranslationTests
{
    private static readonly string A = QdrantPointId.FromId("a").ToString();
    private static readonly string B = QdrantPointId.FromId("b").ToString();

    public static TheoryData<string, string> Translations => new()
    {
        { """{"must":[{"key":"city","match":{"value":"London"}}]}""", """{"must":[{"field":{"key":"metadata.city","match":{"keyword":"London"}}}]}""" },
        { """{"must":[{"key":"n","match":{"value":7}}]}""", """{"must":[{"field":{"key":"metadata.n","match":{"integer":"7"}}}]}""" },
        { """{"must":[{"key":"ok","match":{"value":false}}]}""", """{"must":[{"field":{"key":"metadata.ok","match":{"boolean":false}}}]}""" },
        { """{"must":[{"key":"price","match":{"value":2.5}}]}""", """{"must":[{"field":{"key":"metadata.price","range":{"gte":2.5,"lte":2.5}}}]}""" },
        { """{"must":[{"key":"c","match":{"any":["x","y","x"]}}]}""", """{"must":[{"field":{"key":"metadata.c","match":{"keywords":{"strings":["x","y"]}}}}]}""" },
        { """{"must":[{"key":"c","match":{"any":[1,2]}}]}""", """{"must":[{"field":{"key":"metadata.c","match":{"integers":{"integers":["1","2"]}}}}]}""" },
        {
            """{"must":[{"key":"c","match":{"any":["x",1]}}]}""",
            """{"must":[{"filter":{"should":[{"field":{"key":"metadata.c","match":{"keyword":"x"}}},{"field":{"key":"metadata.c","match":{"integer":"1"}}}]}}]}"""
        },
        {
            """{"must":[{"key":"c","match":{"except":["red"]}}]}""",
            """{"must":[{"filter":{"mustNot":[{"field":{"key":"metadata.c","match":{"keywords":{"strings":["red"]}}}},{"isEmpty":{"key":"metadata.c"}}]}}]}"""
        },
        { """{"must":[{"key":"p","range":{"gt":1,"lte":5}}]}""", """{"must":[{"field":{"key":"metadata.p","range":{"gt":1,"lte":5}}}]}""" },
        { """{"must":[{"has_id":["a","b","a"]}]}""", $$$"""{"must":[{"hasId":{"hasId":[{"uuid":"{{{A}}}"},{"uuid":"{{{B}}}"}]}}]}""" },
        { """{"must":[{"is_empty":{"key":"tags"}}]}""", """{"must":[{"isEmpty":{"key":"metadata.tags"}}]}""" },
        { """{"must":[{"key":"items[].n","range":{"gte":5}}]}""", """{"must":[{"field":{"key":"metadata.items[].n","range":{"gte":5}}}]}""" },
        {
            """{"should":[{"key":"a","match":{"value":"x"}}],"must_not":[{"must":[{"key":"b","match":{"value":"y"}}]}]}""",
            """{"should":[{"field":{"key":"metadata.a","match":{"keyword":"x"}}}],"mustNot":[{"filter":{"must":[{"field":{"key":"metadata.b","match":{"keyword":"y"}}}]}}]}"""
        },
        { """{}""", """{}""" },
    };

    [Theory]
    [MemberData(nameof(Translations))]
    public void Translate_IsOneToOne_InQdrantsFilterMessage(string ours, string qdrants)
    {
        var filter = VectorFilterParser.Parse(JsonDocument.Parse(ours).RootElement);
        var expected = JsonParser.Default.Parse<QdrantFilter>(qdrants);

        var translated = QdrantFilterTranslator.Translate(filter);

        Assert.True(expected.Equals(translated), $"Expected {expected}, got {translated}");
    }
}
