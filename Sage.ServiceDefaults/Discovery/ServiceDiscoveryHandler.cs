namespace Sage.ServiceDefaults.Discovery;

/// <summary>Rewrites each request's service-discovery address (<c>http://kv/…</c>) to the endpoint it resolves to.</summary>
internal sealed class ServiceDiscoveryHandler(ServiceEndpointResolver resolver) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri)
            request.RequestUri = resolver.Resolve(uri);
        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri)
            request.RequestUri = resolver.Resolve(uri);
        return base.Send(request, cancellationToken);
    }
}
