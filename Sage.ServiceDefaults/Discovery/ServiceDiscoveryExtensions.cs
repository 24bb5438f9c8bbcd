using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Sage.ServiceDefaults.Discovery;

/// <summary>
/// Service discovery from configuration, with the seams of Microsoft.Extensions.ServiceDiscovery
/// (<c>AddServiceDiscovery()</c> on the services and on an HttpClient), so swapping back is a one-project change.
/// </summary>
public static class ServiceDiscoveryExtensions
{
    /// <summary>Registers <see cref="ServiceEndpointResolver"/>, which reads <c>services:{name}:{endpoint}:{index}</c>.</summary>
    public static IServiceCollection AddServiceDiscovery(this IServiceCollection services)
    {
        services.TryAddSingleton<ServiceEndpointResolver>();
        services.TryAddTransient<ServiceDiscoveryHandler>();
        return services;
    }

    /// <summary>Resolves the client's service-discovery addresses (<c>http://kv</c>, <c>https+http://vdb</c>) on every request.</summary>
    public static IHttpClientBuilder AddServiceDiscovery(this IHttpClientBuilder builder)
    {
        builder.Services.AddServiceDiscovery();
        builder.AddHttpMessageHandler<ServiceDiscoveryHandler>();
        return builder;
    }

    /// <summary>
    /// Makes the host fail at start, naming the setting to add, unless <paramref name="serviceName"/> has an endpoint
    /// configured (<c>services__kv__http__0</c> or its alias).
    /// </summary>
    public static IServiceCollection AddRequiredServiceEndpoint(this IServiceCollection services, string serviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        services.AddServiceDiscovery();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RequiredServiceEndpointsOptions>, RequiredServiceEndpointsValidator>());
        services.AddOptions<RequiredServiceEndpointsOptions>()
            .Configure(options => options.Services.Add(serviceName))
            .ValidateOnStart();
        return services;
    }
}
