using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Sage.ServiceDefaults.Configuration;

namespace Sage.ServiceDefaults.Discovery;

/// <summary>
/// Resolves service-discovery addresses the way Aspire's configuration provider does, from
/// <c>services:{service}:{endpoint}:{index}</c> (env <c>services__kv__http__0</c>):
/// <c>http://kv</c> → the <c>http</c> endpoint, <c>https://kv</c> → <c>https</c>, <c>https+http://kv</c> → <c>https</c>
/// if configured else <c>http</c>, <c>http://_grpc.kv</c> → the endpoint named <c>grpc</c>. Several endpoints
/// (indexes 0, 1, …) are used in turn. Hosts that are not bare service names (a dot, an IP, <c>localhost</c>) pass through.
/// </summary>
public sealed class ServiceEndpointResolver(IConfiguration configuration)
{
    /// <summary>The configuration section holding the endpoints.</summary>
    public const string SectionName = "services";

    private const string DefaultEndpointName = "default";
    private readonly ConcurrentDictionary<string, int> _turns = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The address <paramref name="uri"/> stands for: scheme, host, port (and base path) of the configured endpoint,
    /// path and query of <paramref name="uri"/>. Addresses that are not service names come back unchanged.
    /// </summary>
    /// <exception cref="InvalidOperationException">A service name with no endpoint configured; the message names the setting.</exception>
    public Uri Resolve(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (TryResolve(uri, out var resolved))
            return resolved;
        var (service, _) = ParseHost(uri.Host);
        throw new InvalidOperationException(MissingEndpointMessage(service));
    }

    /// <summary>
    /// Resolves <paramref name="uri"/>; false only for a service name with no configured endpoint. A bare name with an
    /// explicit port and a plain scheme (<c>http://qdrant:6333</c>) is a real host name and passes through.
    /// </summary>
    public bool TryResolve(Uri uri, out Uri resolved)
    {
        ArgumentNullException.ThrowIfNull(uri);
        resolved = uri;
        if (!uri.IsAbsoluteUri || !IsServiceName(uri.Host))
            return true;

        var (service, endpointName) = ParseHost(uri.Host);
        var endpoints = endpointName is not null
            ? GetEndpoints(service, endpointName)
            : SchemePreference(uri.Scheme).Select(name => GetEndpoints(service, name)).FirstOrDefault(list => list.Count > 0) ?? [];
        if (endpoints.Count == 0)
            return !IsDiscoveryScheme(uri.Scheme) && !uri.IsDefaultPort && endpointName is null;

        var turn = _turns.AddOrUpdate($"{service}/{endpointName ?? uri.Scheme}", 0, (_, n) => unchecked(n + 1));
        resolved = Combine(endpoints[(int)((uint)turn % (uint)endpoints.Count)], uri);
        return true;
    }

    /// <summary>The configured addresses of one endpoint of <paramref name="service"/>, in index order.</summary>
    public IReadOnlyList<Uri> GetEndpoints(string service, string endpointName)
    {
        var section = configuration.GetSection(SectionName).GetSection(service).GetSection(endpointName);
        var values = section.Value is { Length: > 0 } single
            ? [single]
            : section.GetChildren()
                .OrderBy(child => int.TryParse(child.Key, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue)
                .Select(child => child.Value)
                .OfType<string>()
                .Where(value => value.Length > 0)
                .ToList();
        return [.. values.Select(value => ParseEndpoint(value, endpointName, service))];
    }

    /// <summary>Whether <paramref name="service"/> has any endpoint configured.</summary>
    public bool HasEndpoints(string service) =>
        configuration.GetSection(SectionName).GetSection(service).GetChildren().Any(endpoint => GetEndpoints(service, endpoint.Key).Count > 0);

    /// <summary>A bare name (<c>kv</c>) or a named endpoint of one (<c>_http.kv</c>): not an IP, not <c>localhost</c>, no other dots.</summary>
    public static bool IsServiceName(string host)
    {
        if (string.IsNullOrEmpty(host) || host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host.Trim('[', ']'), out _))
            return false;
        var name = host.StartsWith('_') && host.IndexOf('.', StringComparison.Ordinal) is var dot and > 1 ? host[(dot + 1)..] : host;
        return !name.Contains('.', StringComparison.Ordinal) && Uri.CheckHostName(name) == UriHostNameType.Dns;
    }

    internal static string MissingEndpointMessage(string service)
    {
        var aliases = ConfigurationAliases.Table
            .Where(entry => entry.Key.StartsWith($"{SectionName}:{service}:", StringComparison.OrdinalIgnoreCase) && entry.Alias.StartsWith("SAGE_", StringComparison.Ordinal))
            .Select(entry => entry.Alias)
            .Distinct()
            .ToList();
        var alias = aliases.Count > 0 ? $" or {string.Join(" / ", aliases)}" : "";
        return $"No endpoint is configured for service '{service}': set {SectionName}__{service}__http__0 (Aspire){alias} to its base address, e.g. http://localhost:8001.";
    }

    private static (string Service, string? EndpointName) ParseHost(string host)
    {
        if (host.StartsWith('_') && host.IndexOf('.', StringComparison.Ordinal) is var dot and > 1)
            return (host[(dot + 1)..], host[1..dot]);
        return (host, null);
    }

    // "https+http" lists schemes in order of preference; Aspire's "default" endpoint is the last resort.
    private static IEnumerable<string> SchemePreference(string scheme) =>
        [.. scheme.Split('+', StringSplitOptions.RemoveEmptyEntries), DefaultEndpointName];

    private static bool IsDiscoveryScheme(string scheme) => scheme.Contains('+', StringComparison.Ordinal);

    private static Uri ParseEndpoint(string value, string endpointName, string service)
    {
        var text = value.Contains("://", StringComparison.Ordinal) ? value : $"{(endpointName == "https" ? "https" : "http")}://{value}";
        return Uri.TryCreate(text, UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException($"Endpoint '{endpointName}' of service '{service}' is not an absolute URI: '{value}'.");
    }

    // Built from escaped components, so a path that is already percent-encoded is not encoded twice.
    private static Uri Combine(Uri endpoint, Uri request)
    {
        var server = endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.UserInfo, UriFormat.UriEscaped);
        var basePath = endpoint.AbsolutePath.TrimEnd('/');
        return new Uri(server + basePath + request.PathAndQuery + request.Fragment, UriKind.Absolute);
    }
}
