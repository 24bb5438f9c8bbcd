using Microsoft.Extensions.DependencyInjection;
using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>
/// The vector store contract against a real Qdrant at <c>SAGE_TEST_QDRANT_URL</c> (key in <c>SAGE_TEST_QDRANT_API_KEY</c>);
/// skipped when the variable is not set.
/// </summary>
public sealed class RealQdrantVectorStoreTests : VectorStoreContract
{
    public const string UrlVariable = "SAGE_TEST_QDRANT_URL";
    private ServiceProvider? _services;

    protected override Task<IVectorStore> CreateStoreAsync()
    {
        var url = Environment.GetEnvironmentVariable(UrlVariable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(url), $"{UrlVariable} is not set: no real Qdrant to test against.");
        _services = QdrantTestStore.Services(new Uri(url!), Environment.GetEnvironmentVariable("SAGE_TEST_QDRANT_API_KEY"));
        return Task.FromResult(_services.GetRequiredService<IVectorStore>());
    }

    // Collections on a shared server get a recognisable prefix, so a crashed run's leftovers are easy to find.
    protected override string NewCollectionName() => "sage_test_" + Guid.NewGuid().ToString("N")[..16];
}
