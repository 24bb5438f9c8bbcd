using Aspire.Hosting.Qdrant;

namespace Aspire.Hosting;

/// <summary>
/// <c>AddQdrant</c>, <c>WithDataVolume</c> and <c>WithReference</c> with the contract of the official
/// <c>Aspire.Hosting.Qdrant</c> integration (not served on our build machine): same names and signatures.
/// </summary>
public static class QdrantBuilderExtensions
{
    private const int GrpcTargetPort = 6334;
    private const int HttpTargetPort = 6333;
    private const string DataPath = "/qdrant/storage";

    /// <summary>Adds a Qdrant container with a gRPC and a REST endpoint, an API key, and a readiness health check.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name, and the connection string name of its references.</param>
    /// <param name="apiKey">The API key; when null one is generated as the parameter <c>{name}-Key</c>.</param>
    /// <param name="grpcPort">Host port of the gRPC endpoint; allocated when null.</param>
    /// <param name="httpPort">Host port of the REST endpoint; allocated when null.</param>
    public static IResourceBuilder<QdrantServerResource> AddQdrant(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource>? apiKey = null,
        int? grpcPort = null,
        int? httpPort = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var apiKeyParameter = apiKey?.Resource
            ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-Key", special: false);
        var qdrant = new QdrantServerResource(name, apiKeyParameter);

        return builder.AddResource(qdrant)
            .WithImage(QdrantContainerImageTags.Image, QdrantContainerImageTags.Tag)
            .WithImageRegistry(QdrantContainerImageTags.Registry)
            .WithHttpEndpoint(port: grpcPort, targetPort: GrpcTargetPort, name: QdrantServerResource.PrimaryEndpointName)
            // gRPC needs HTTP/2 end to end, through DCP's proxy too.
            .WithEndpoint(QdrantServerResource.PrimaryEndpointName, endpoint => endpoint.Transport = "http2")
            .WithHttpEndpoint(port: httpPort, targetPort: HttpTargetPort, name: QdrantServerResource.HttpEndpointName)
            .WithEnvironment(context =>
            {
                context.EnvironmentVariables["QDRANT__SERVICE__API_KEY"] = qdrant.ApiKeyParameter;

                // A deployment has no use for Qdrant's web UI, and it should not be reachable there.
                if (builder.ExecutionContext.IsPublishMode)
                {
                    context.EnvironmentVariables["QDRANT__SERVICE__ENABLE_STATIC_CONTENT"] = "0";
                }
            })
            // /readyz answers without the API key once the collections are loaded.
            .WithHttpHealthCheck("/readyz", endpointName: QdrantServerResource.HttpEndpointName);
    }

    /// <summary>Keeps Qdrant's storage in a named volume, across restarts (an Azure Files share once deployed).</summary>
    public static IResourceBuilder<QdrantServerResource> WithDataVolume(
        this IResourceBuilder<QdrantServerResource> builder, string? name = null, bool isReadOnly = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithVolume(name ?? VolumeNameGenerator.Generate(builder, "data"), DataPath, isReadOnly);
    }

    /// <summary>Keeps Qdrant's storage in a folder of the host.</summary>
    public static IResourceBuilder<QdrantServerResource> WithDataBindMount(
        this IResourceBuilder<QdrantServerResource> builder, string source, bool isReadOnly = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(source);
        return builder.WithBindMount(source, DataPath, isReadOnly);
    }

    /// <summary>
    /// References Qdrant: <c>ConnectionStrings__{name}</c> (gRPC), <c>ConnectionStrings__{name}_http</c> (REST),
    /// and the <c>{NAME}_*</c> connection properties.
    /// </summary>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(
        this IResourceBuilder<TDestination> builder, IResourceBuilder<QdrantServerResource> qdrant)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(qdrant);

        // The generic reference: relationship, ConnectionStrings__{name} and the connection properties.
        ResourceBuilderExtensions.WithReference(builder, (IResourceBuilder<IResourceWithConnectionString>)qdrant);

        return builder.WithEnvironment(context =>
            context.EnvironmentVariables[$"ConnectionStrings__{qdrant.Resource.Name}_{QdrantServerResource.HttpEndpointName}"] =
                qdrant.Resource.HttpConnectionStringExpression);
    }
}
