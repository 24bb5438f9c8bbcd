using System.Text.Json;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Qdrant;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>Each filter condition in Qdrant's words, and each translation valid against Qdrant's Filter schema.</summary>
public sealed class QdrantFilterTranslationTests
{
    private static readonly string A = QdrantPointId.FromId("a").ToString();
    private static readonly string B = QdrantPointId.FromId("b").ToString();

    public static TheoryData<string, string> Translations => new()
    {
        { """{"must":[{"key":"city","match":{"value":"London"}}]}""", """{"must":[{"key":"metadata.city","match":{"value":"London"}}]}""" },
        { """{"must":[{"key":"n","match":{"value":7}}]}""", """{"must":[{"key":"metadata.n","match":{"value":7}}]}""" },
        { """{"must":[{"key":"ok","match":{"value":false}}]}""", """{"must":[{"key":"metadata.ok","match":{"value":false}}]}""" },
        { """{"must":[{"key":"price","match":{"value":2.5}}]}""", """{"must":[{"key":"metadata.price","range":{"gte":2.5,"lte":2.5}}]}""" },
        { """{"must":[{"key":"c","match":{"any":["x","y","x"]}}]}""", """{"must":[{"key":"metadata.c","match":{"any":["x","y"]}}]}""" },
        { """{"must":[{"key":"c","match":{"any":[1,2]}}]}""", """{"must":[{"key":"metadata.c","match":{"any":[1,2]}}]}""" },
        { """{"must":[{"key":"c","match":{"any":["x",1]}}]}""", """{"must":[{"should":[{"key":"metadata.c","match":{"value":"x"}},{"key":"metadata.c","match":{"value":1}}]}]}""" },
        { """{"must":[{"key":"c","match":{"except":["red"]}}]}""", """{"must":[{"must_not":[{"key":"metadata.c","match":{"any":["red"]}},{"is_empty":{"key":"metadata.c"}}]}]}""" },
        { """{"must":[{"key":"p","range":{"gt":1,"lte":5}}]}""", """{"must":[{"key":"metadata.p","range":{"gt":1,"lte":5}}]}""" },
        { """{"must":[{"has_id":["a","b","a"]}]}""", $$"""{"must":[{"has_id":["{{A}}","{{B}}"]}]}""" },
        { """{"must":[{"is_empty":{"key":"tags"}}]}""", """{"must":[{"is_empty":{"key":"metadata.tags"}}]}""" },
        { """{"must":[{"key":"items[].n","range":{"gte":5}}]}""", """{"must":[{"key":"metadata.items[].n","range":{"gte":5}}]}""" },
        {
            """{"should":[{"key":"a","match":{"value":"x"}}],"must_not":[{"must":[{"key":"b","match":{"value":"y"}}]}]}""",
            """{"should":[{"key":"metadata.a","match":{"value":"x"}}],"must_not":[{"must":[{"key":"metadata.b","match":{"value":"y"}}]}]}"""
        },
        { """{}""", """{}""" },
    };

    [Theory]
    [MemberData(nameof(Translations))]
    public void Translate_IsOneToOne_AndValidForQdrant(string ours, string qdrants)
    {
        var filter = VectorFilterParser.Parse(JsonDocument.Parse(ours).RootElement);
        var translated = JsonDocument.Parse(QdrantFilterTranslator.Translate(filter).ToJsonString()).RootElement;

        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(qdrants).RootElement, translated), $"Expected {qdrants}, got {translated.GetRawText()}");
        Assert.Empty(OpenApiSchemaChecker.Check(QdrantOpenApi.Instance.Schema("Filter"), translated));
    }
}
