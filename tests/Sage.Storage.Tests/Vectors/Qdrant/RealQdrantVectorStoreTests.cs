using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>
/// The vector store contract against a real Qdrant's gRPC endpoint at <c>SAGE_TEST_QDRANT_URL</c> (e.g. <c>http://localhost:6334</c>,
/// key in <c>SAGE_TEST_QDRANT_API_KEY</c>); skipped when the variable is not set.
/// </summary>
public sealed class RealQdrantVectorStoreTests : VectorStoreContract
{
    public const string UrlVariable = "SAGE_TEST_QDRANT_URL";
    private IHost? _host;

    protected override Task<IVectorStore> CreateStoreAsync()
    {
        var url = Environment.GetEnvironmentVariable(UrlVariable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(url), $"{UrlVariable} is not set: no real Qdrant to test against.");
        var key = Environment.GetEnvironmentVariable("SAGE_TEST_QDRANT_API_KEY");
        _host = QdrantTestStore.Host(string.IsNullOrEmpty(key) ? $"Endpoint={url}" : $"Endpoint={url};Key={key}");
        return Task.FromResult(_host.Services.GetRequiredService<IVectorStore>());
    }

    protected override ValueTask CleanUpAsync()
    {
        _host?.Dispose();
        return ValueTask.CompletedTask;
    }

    // Collections on a shared server get a recognisable prefix, so a crashed run's leftovers are easy to find.
    protected override string NewCollectionName() => "sage_test_" + Guid.NewGuid().ToString("N")[..16];
}
