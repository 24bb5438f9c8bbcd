using Microsoft.Extensions.Options;

namespace Sage.ServiceDefaults.Discovery;

/// <summary>The services this host cannot work without; checked when the host starts.</summary>
public sealed class RequiredServiceEndpointsOptions
{
    /// <summary>Names of the services (<c>kv</c>, <c>vdb</c>) that must have an endpoint configured.</summary>
    public ISet<string> Services { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Fails the start with one message naming every missing <c>services__{name}__http__0</c> setting.</summary>
internal sealed class RequiredServiceEndpointsValidator(ServiceEndpointResolver resolver) : IValidateOptions<RequiredServiceEndpointsOptions>
{
    public ValidateOptionsResult Validate(string? name, RequiredServiceEndpointsOptions options)
    {
        var failures = options.Services
            .Where(service => !resolver.HasEndpoints(service))
            .Order(StringComparer.Ordinal)
            .Select(ServiceEndpointResolver.MissingEndpointMessage)
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
