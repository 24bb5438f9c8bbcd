using Microsoft.Extensions.DependencyInjection;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;

namespace Sage.Storage.Tests.Vectors;

public sealed class EmbeddedVectorStoreRegistrationTests
{
    [Fact]
    public void AddEmbeddedVectorStore_RegistersOneSingletonAsIVectorStore()
    {
        using var provider = new ServiceCollection().AddLogging().AddEmbeddedVectorStore(o => o.MaxBatchSize = 5).BuildServiceProvider();
        var store = provider.GetRequiredService<IVectorStore>();
        Assert.Equal("embedded", store.Backend);
        Assert.Same(store, provider.GetRequiredService<EmbeddedVectorStore>());
        Assert.False(((EmbeddedVectorStore)store).IsPersistent);
    }

    [Fact]
    public async Task MaxBatchSize_FromOptions_IsEnforced()
    {
        using var provider = new ServiceCollection().AddLogging().AddEmbeddedVectorStore(o => o.MaxBatchSize = 2).BuildServiceProvider();
        var store = provider.GetRequiredService<IVectorStore>();
        await store.CreateCollectionAsync("c", new CollectionSpec(1), TestContext.Current.CancellationToken);
        var points = Enumerable.Range(0, 3).Select(i => new VectorPoint($"p{i}", new float[] { 1 })).ToList();
        var exception = await Assert.ThrowsAsync<StorageException>(() => store.UpsertAsync("c", points, TestContext.Current.CancellationToken));
        Assert.Equal(StorageError.TooLarge, exception.Error);
    }
}
