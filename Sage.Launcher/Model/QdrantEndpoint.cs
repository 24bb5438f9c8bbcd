namespace Sage.Launcher.Model;

/// <summary>The Qdrant server given by its REST URL, and the gRPC port beside it that VDB talks to (Qdrant's convention: REST + 1).</summary>
public sealed record QdrantEndpoint(string Scheme, string Host, int HttpPort, string? ApiKey)
{
    /// <summary>Qdrant's gRPC port, which Aspire also publishes (<c>ConnectionStrings__qdrant</c>).</summary>
    public int GrpcPort => HttpPort + 1;

    public string HttpUri => $"{Scheme}://{Host}:{HttpPort}";

    public string GrpcUri => $"{Scheme}://{Host}:{GrpcPort}";

    /// <summary>Parses <c>http://host:port</c> (or https); the key comes from <c>--qdrant-api-key</c>.</summary>
    public static QdrantEndpoint Parse(string url, string? apiKey)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new LaunchException($"--qdrant-url '{url}' is not an http:// URL.");
        return new QdrantEndpoint(uri.Scheme, uri.Host, uri.IsDefaultPort ? 6333 : uri.Port, string.IsNullOrEmpty(apiKey) ? null : apiKey);
    }
}
