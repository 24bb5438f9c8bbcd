using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using Sage.ServiceDefaults.Configuration;

namespace Sage.ServiceDefaults.Discovery;

/// <summary>The services this host cannot work without; checked when the host starts.</summary>
public sealed class RequiredServiceEndpointsOptions
{
    /// <summary>Names of the services (<c>kv</c>, <c>vdb</c>) that must have an endpoint configured.</summary>
    public ISet<string> Services { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Start-time checks on top of Microsoft.Extensions.ServiceDiscovery's configuration provider.</summary>
public static class RequiredServiceEndpoints
{
    /// <summary>
    /// Makes the host fail at start, naming the setting to add, unless <paramref name="serviceName"/> has an endpoint in the
    /// section service discovery reads (<c>services__kv__http__0</c> or its alias). Without it the pass-through provider
    /// would send <c>http://kv</c> to a DNS name that does not exist, and the first request would fail instead.
    /// </summary>
    public static IServiceCollection AddRequiredServiceEndpoint(this IServiceCollection services, string serviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RequiredServiceEndpointsOptions>, Validator>());
        services.AddOptions<RequiredServiceEndpointsOptions>()
            .Configure(options => options.Services.Add(serviceName))
            .ValidateOnStart();
        return services;
    }

    /// <summary>Whether <paramref name="service"/> has any endpoint value in the service-discovery section.</summary>
    public static bool HasEndpoints(IConfiguration configuration, string sectionName, string service) =>
        configuration.GetSection(sectionName).GetSection(service).GetChildren()
            .Any(endpoint => !string.IsNullOrWhiteSpace(endpoint.Value) || endpoint.GetChildren().Any(address => !string.IsNullOrWhiteSpace(address.Value)));

    internal static string MissingEndpointMessage(string sectionName, string service)
    {
        var aliases = ConfigurationAliases.Table
            .Where(entry => entry.Key.StartsWith($"{sectionName}:{service}:", StringComparison.OrdinalIgnoreCase) && entry.Alias.StartsWith("SAGE_", StringComparison.Ordinal))
            .Select(entry => entry.Alias)
            .Distinct()
            .ToList();
        var alias = aliases.Count > 0 ? $" or {string.Join(" / ", aliases)}" : "";
        return $"No endpoint is configured for service '{service}': set {sectionName}__{service}__http__0 (Aspire){alias} to its base address, e.g. http://localhost:8001.";
    }

    private sealed class Validator(IConfiguration configuration, IOptions<ConfigurationServiceEndpointProviderOptions> discovery)
        : IValidateOptions<RequiredServiceEndpointsOptions>
    {
        public ValidateOptionsResult Validate(string? name, RequiredServiceEndpointsOptions options)
        {
            // The library's default is "Services"; Aspire injects "services__…", which is what the message should say.
            var section = discovery.Value.SectionName.ToLowerInvariant();
            var failures = options.Services
                .Where(service => !HasEndpoints(configuration, section, service))
                .Order(StringComparer.Ordinal)
                .Select(service => MissingEndpointMessage(section, service))
                .ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
