using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sage.Storage.Vectors.Embedded;

/// <summary>Registers the embedded vector engine.</summary>
public static class EmbeddedVectorStoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="EmbeddedVectorStore"/> as the singleton <see cref="IVectorStore"/>, with options from
    /// <paramref name="configure"/> on top of any bound <see cref="EmbeddedVectorStoreOptions"/>; bad options stop the host at start.
    /// </summary>
    public static IServiceCollection AddEmbeddedVectorStore(this IServiceCollection services, Action<EmbeddedVectorStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<EmbeddedVectorStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        options
            .Validate(o => o.MaxBatchSize > 0, $"{EmbeddedVectorStoreOptions.SectionName}:{nameof(EmbeddedVectorStoreOptions.MaxBatchSize)} must be positive.")
            .Validate(o => o.ParallelScanThreshold > 0, $"{EmbeddedVectorStoreOptions.SectionName}:{nameof(EmbeddedVectorStoreOptions.ParallelScanThreshold)} must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new EmbeddedVectorStore(
            sp.GetRequiredService<IOptions<EmbeddedVectorStoreOptions>>().Value,
            sp.GetService<ILogger<EmbeddedVectorStore>>()));
        services.TryAddSingleton<IVectorStore>(sp => sp.GetRequiredService<EmbeddedVectorStore>());
        return services;
    }
}
