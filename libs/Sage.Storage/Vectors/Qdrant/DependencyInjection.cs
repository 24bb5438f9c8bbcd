using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Sage.Storage.Vectors.Qdrant;

/// <summary>Registers the Qdrant backend of <see cref="IVectorStore"/>.</summary>
public static class QdrantVectorStoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="QdrantVectorStore"/> as the singleton <see cref="IVectorStore"/>, over the <c>QdrantClient</c> that
    /// <c>builder.AddQdrantClient(…)</c> registers, with <paramref name="configure"/> on top of any bound
    /// <see cref="QdrantVectorStoreOptions"/>; bad options stop the host at start.
    /// </summary>
    public static IServiceCollection AddQdrantVectorStore(this IServiceCollection services, Action<QdrantVectorStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<QdrantVectorStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<QdrantVectorStoreOptions>, QdrantVectorStoreOptionsValidator>();
        services.TryAddSingleton<QdrantVectorStore>();
        services.TryAddSingleton<IVectorStore>(sp => sp.GetRequiredService<QdrantVectorStore>());
        return services;
    }
}

/// <summary>Stops start-up with a message naming the bad Qdrant setting.</summary>
internal sealed class QdrantVectorStoreOptionsValidator : IValidateOptions<QdrantVectorStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, QdrantVectorStoreOptions options) =>
        options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
