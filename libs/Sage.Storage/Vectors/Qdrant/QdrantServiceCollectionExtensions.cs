using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Sage.Storage.Vectors.Qdrant;

/// <summary>Registers the Qdrant backend of <see cref="IVectorStore"/>.</summary>
public static class QdrantServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="QdrantVectorStore"/> as the <see cref="IVectorStore"/>, configured from
    /// <c>ConnectionStrings:qdrant_http</c>, <c>SAGE_QDRANT_URL</c> / <c>SAGE_QDRANT_API_KEY</c> and the <c>Qdrant</c> section.
    /// </summary>
    /// <returns>The typed client's builder, to add handlers such as resilience.</returns>
    public static IHttpClientBuilder AddQdrantVectorStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddQdrantVectorStore(options => options.Bind(configuration));
    }

    /// <summary>Adds <see cref="QdrantVectorStore"/> as the <see cref="IVectorStore"/>, configured by <paramref name="configure"/>.</summary>
    /// <returns>The typed client's builder, to add handlers such as resilience.</returns>
    public static IHttpClientBuilder AddQdrantVectorStore(this IServiceCollection services, Action<QdrantOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<QdrantOptions>()
            .Configure(configure)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<QdrantOptions>, QdrantOptionsValidator>();

        var builder = services
            .AddHttpClient<QdrantVectorStore>((provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<QdrantOptions>>().Value;
                client.BaseAddress = options.Endpoint;
                client.Timeout = options.Timeout;
                if (!string.IsNullOrEmpty(options.ApiKey))
                {
                    client.DefaultRequestHeaders.Add("api-key", options.ApiKey);
                }
            })
            // The store is a singleton holding its client, so connections recycle themselves for DNS changes instead.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .SetHandlerLifetime(System.Threading.Timeout.InfiniteTimeSpan);

        services.AddSingleton<IVectorStore>(provider => provider.GetRequiredService<QdrantVectorStore>());
        return builder;
    }
}

/// <summary>Stops start-up with a message naming the bad Qdrant setting.</summary>
internal sealed class QdrantOptionsValidator : IValidateOptions<QdrantOptions>
{
    public ValidateOptionsResult Validate(string? name, QdrantOptions options) =>
        options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
