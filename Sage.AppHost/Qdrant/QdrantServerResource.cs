namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A Qdrant server: our stand-in for <c>Aspire.Hosting.Qdrant</c>'s resource of the same name, which is not
/// served on our build machine. Same endpoints (<c>grpc</c> primary, <c>http</c>), connection strings and
/// connection properties, so swapping in the package is deleting this folder and adding the reference.
/// </summary>
public class QdrantServerResource : ContainerResource, IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "grpc";
    internal const string HttpEndpointName = "http";

    private EndpointReference? _primaryEndpoint;
    private EndpointReference? _httpEndpoint;

    /// <summary>Creates the resource.</summary>
    /// <param name="name">The resource name; also the connection string name of its references.</param>
    /// <param name="apiKey">The API key Qdrant requires on every request.</param>
    public QdrantServerResource(string name, ParameterResource apiKey) : base(name)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        ApiKeyParameter = apiKey;
    }

    /// <summary>The parameter that holds the API key.</summary>
    public ParameterResource ApiKeyParameter { get; }

    /// <summary>The gRPC endpoint (container port 6334), which <c>Qdrant.Client</c> uses.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary>The REST endpoint (container port 6333), which also serves <c>/readyz</c> and the web UI.</summary>
    public EndpointReference HttpEndpoint => _httpEndpoint ??= new(this, HttpEndpointName);

    /// <summary>Host of the gRPC endpoint.</summary>
    public EndpointReferenceExpression GrpcHost => PrimaryEndpoint.Property(EndpointProperty.Host);

    /// <summary>Port of the gRPC endpoint.</summary>
    public EndpointReferenceExpression GrpcPort => PrimaryEndpoint.Property(EndpointProperty.Port);

    /// <summary>Host of the REST endpoint.</summary>
    public EndpointReferenceExpression HttpHost => HttpEndpoint.Property(EndpointProperty.Host);

    /// <summary>Port of the REST endpoint.</summary>
    public EndpointReferenceExpression HttpPort => HttpEndpoint.Property(EndpointProperty.Port);

    /// <summary><c>Endpoint={grpc url};Key={api key}</c>: the <c>ConnectionStrings__{name}</c> of a reference.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)};Key={ApiKeyParameter}");

    /// <summary><c>Endpoint={rest url};Key={api key}</c>: the <c>ConnectionStrings__{name}_http</c> of a reference.</summary>
    public ReferenceExpression HttpConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={HttpEndpoint.Property(EndpointProperty.Url)};Key={ApiKeyParameter}");

    /// <summary>The gRPC URL, <c>http://{host}:{port}</c>.</summary>
    public ReferenceExpression UriExpression => ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Url)}");

    /// <summary>The REST URL, <c>http://{host}:{port}</c>.</summary>
    public ReferenceExpression HttpUriExpression => ReferenceExpression.Create($"{HttpEndpoint.Property(EndpointProperty.Url)}");

    // A reference splats these as QDRANT_GRPCHOST, QDRANT_APIKEY, QDRANT_HTTPURI, … as the official resource does.
    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties()
    {
        yield return new("GrpcHost", ReferenceExpression.Create($"{GrpcHost}"));
        yield return new("GrpcPort", ReferenceExpression.Create($"{GrpcPort}"));
        yield return new("HttpHost", ReferenceExpression.Create($"{HttpHost}"));
        yield return new("HttpPort", ReferenceExpression.Create($"{HttpPort}"));
        yield return new("ApiKey", ReferenceExpression.Create($"{ApiKeyParameter}"));
        yield return new("Uri", UriExpression);
        yield return new("HttpUri", HttpUriExpression);
    }
}
