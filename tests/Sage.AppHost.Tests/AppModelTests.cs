using Microsoft.Extensions.Logging.Abstractions;

namespace Sage.AppHost.Tests;

/// <summary>
/// The application model Sage.AppHost builds, inspected without starting anything: no DCP,
/// no container runtime, no service processes.
/// </summary>
public sealed class AppModelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Publish_model_has_the_stores_the_services_and_the_container_apps_environment()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var appHost = await CreateAsync(["--operation", "publish"], cancellationToken);

        Assert.True(appHost.ExecutionContext.IsPublishMode);
        var names = appHost.Resources.Select(resource => resource.Name).ToHashSet();
        // A superset: the generated passwords and the registry are resources too.
        Assert.Superset(new HashSet<string> { "redis", "qdrant", "kv", "vdb", "memory", "aca" }, names);
    }

    [Fact]
    public async Task Memory_references_kv_and_vdb_and_the_services_reference_their_stores()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var appHost = await CreateAsync(["--operation", "publish"], cancellationToken);

        Assert.Equal(new[] { "kv", "vdb" }, ReferencesOf(appHost, "memory"));
        Assert.Equal(new[] { "redis" }, ReferencesOf(appHost, "kv"));
        Assert.Equal(new[] { "qdrant" }, ReferencesOf(appHost, "vdb"));
    }

    [Fact]
    public async Task Publish_environment_carries_connection_strings_and_service_discovery()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var appHost = await CreateAsync(["--operation", "publish"], cancellationToken);

        var kv = await EnvironmentOfAsync(appHost, "kv", cancellationToken);
        Assert.Equal("{redis.connectionString}", kv["ConnectionStrings__redis"]);
        Assert.Equal("redis", kv["SAGE_KV_BACKEND"]);

        var vdb = await EnvironmentOfAsync(appHost, "vdb", cancellationToken);
        Assert.Contains("{qdrant.bindings.http.url}", vdb["ConnectionStrings__qdrant_http"]);
        Assert.Contains("{qdrant.bindings.grpc.url}", vdb["ConnectionStrings__qdrant"]);
        Assert.Equal("qdrant", vdb["SAGE_VDB_BACKEND"]);

        var memory = await EnvironmentOfAsync(appHost, "memory", cancellationToken);
        Assert.Equal("{kv.bindings.http.url}", memory["services__kv__http__0"]);
        Assert.Equal("{vdb.bindings.http.url}", memory["services__vdb__http__0"]);

        // Run-mode-only settings must not reach a deployment.
        Assert.DoesNotContain(memory.Keys, key => key.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal));
        Assert.DoesNotContain("LOGGING__CONSOLE__FORMATTERNAME", memory.Keys);
    }

    [Fact]
    public async Task Embedded_switch_drops_the_containers_and_selects_in_process_engines()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var appHost = await CreateAsync(["--Sage:Embedded=true"], cancellationToken);

        Assert.True(appHost.ExecutionContext.IsRunMode);
        Assert.DoesNotContain(appHost.Resources, resource => resource.IsContainer());
        Assert.Empty(appHost.Resources.OfType<ExecutableResource>());

        var kv = await EnvironmentOfAsync(appHost, "kv", cancellationToken);
        Assert.Equal("memory", kv["SAGE_KV_BACKEND"]);
        Assert.DoesNotContain("ConnectionStrings__redis", kv.Keys);

        var vdb = await EnvironmentOfAsync(appHost, "vdb", cancellationToken);
        Assert.Equal("embedded", vdb["SAGE_VDB_BACKEND"]);
        Assert.DoesNotContain("ConnectionStrings__qdrant_http", vdb.Keys);
    }

    [Fact]
    public async Task Embedded_switch_is_ignored_when_publishing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var appHost = await CreateAsync(["--operation", "publish", "--Sage:Embedded=true"], cancellationToken);

        var names = appHost.Resources.Select(resource => resource.Name).ToHashSet();
        Assert.Contains("redis", names);
        Assert.Contains("qdrant", names);
    }

    private static Task<IDistributedApplicationTestingBuilder> CreateAsync(string[] args, CancellationToken cancellationToken) =>
        DistributedApplicationTestingBuilder
            .CreateAsync<Projects.Sage_AppHost>(args, cancellationToken)
            .WaitAsync(Timeout, cancellationToken);

    private static IResource Resource(IDistributedApplicationTestingBuilder appHost, string name) =>
        Assert.Single(appHost.Resources, resource => resource.Name == name);

    private static string[] ReferencesOf(IDistributedApplicationTestingBuilder appHost, string name) =>
        Resource(appHost, name).Annotations
            .OfType<ResourceRelationshipAnnotation>()
            .Where(relationship => relationship.Type == "Reference")
            .Select(relationship => relationship.Resource.Name)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>
    /// The resource's environment with every value as its manifest expression (<c>{redis.connectionString}</c>):
    /// resolving real values would wait for endpoints that only a started app allocates.
    /// </summary>
    private static async Task<Dictionary<string, string>> EnvironmentOfAsync(
        IDistributedApplicationTestingBuilder appHost, string name, CancellationToken cancellationToken)
    {
        var asExpressions = new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish);
        var configuration = await ExecutionConfigurationBuilder.Create(Resource(appHost, name))
            .WithEnvironmentVariablesConfig()
            .BuildAsync(asExpressions, NullLogger.Instance, cancellationToken)
            .WaitAsync(Timeout, cancellationToken);

        if (configuration.Exception is { } exception)
        {
            throw exception;
        }

        return configuration.EnvironmentVariables.ToDictionary();
    }
}
