using Sage.Storage.Vectors.Qdrant;

namespace Sage.Storage.Tests.Vectors.Qdrant;

public sealed class QdrantPointIdTests
{
    private static readonly Guid DnsNamespace = new("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

    [Fact]
    public void Version5_MatchesTheRfc9562Example() =>
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), QdrantPointId.CreateVersion5(DnsNamespace, "www.example.com"));

    [Theory]
    [InlineData("a")]
    [InlineData("doc-42#chunk-7")]
    [InlineData("ünïcødé ✓")]
    public void FromId_IsDeterministic_Version5_RfcVariant(string id)
    {
        var uuid = QdrantPointId.FromId(id);
        Assert.Equal(uuid, QdrantPointId.FromId(id));
        var text = uuid.ToString();
        Assert.Equal('5', text[14]);
        Assert.Contains(text[19], "89ab");
    }

    [Fact]
    public void FromId_DiffersForDifferentIds_AndFromTheDnsNamespace()
    {
        Assert.NotEqual(QdrantPointId.FromId("a"), QdrantPointId.FromId("b"));
        Assert.NotEqual(QdrantPointId.FromId("a"), QdrantPointId.FromId("A"));
        Assert.NotEqual(QdrantPointId.CreateVersion5(DnsNamespace, "x"), QdrantPointId.FromId("x"));
    }
}
