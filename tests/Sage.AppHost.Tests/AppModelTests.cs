namespace Sage.AppHost.Tests;

/// <summary>
/// The application model Sage.AppHost builds for each store switch, inspected without starting anything:
/// no DCP, no container runtime, no service processes.
/// </summary>
public sealed class AppModelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Publish_model_has_both_stores_and_the_three_services()
    {
        await using var appHost = await CreateAsync(["--operation", "publish"]);

        Assert.True(appHost.ExecutionContext.IsPublishMode);
        var names = appHost.Resources.Select(resource => resource.Name).ToHashSet();
        // A superset: the generated password and API key are parameter resources too.
        Assert.Superset(new HashSet<string> { "redis", "qdrant", "kv", "vdb", "memory" }, names);
        Assert.IsType<RedisResource>(Resource(appHost, "redis"));
        Assert.IsType<QdrantServerResource>(Resource(appHost, "qdrant"));
    }

    [Fact]
    public async Task Memory_references_kv_and_vdb_and_the_services_reference_their_stores()
    {
        await using var appHost = await CreateAsync(["--operation", "publish"]);

        Assert.Equal(["kv", "vdb"], ReferencesOf(appHost, "memory"));
        Assert.Equal(["redis"], ReferencesOf(appHost, "kv"));
        Assert.Equal(["qdrant"], ReferencesOf(appHost, "vdb"));
    }

    [Fact]
    public async Task Publish_environment_carries_connection_strings_and_service_discovery()
    {
        await using var appHost = await CreateAsync(["--operation", "publish"]);

        var kv = await EnvironmentOfAsync(appHost, "kv");
        Assert.Equal("{redis.connectionString}", kv["ConnectionStrings__redis"]);
        Assert.Equal("redis", kv["SAGE_KV_BACKEND"]);

        var vdb = await EnvironmentOfAsync(appHost, "vdb");
        Assert.Equal("{qdrant.connectionString}", vdb["ConnectionStrings__qdrant"]);
        Assert.Equal("Endpoint={qdrant.bindings.http.url};Key={qdrant-Key.value}", vdb["ConnectionStrings__qdrant_http"]);
        Assert.Equal("{qdrant-Key.value}", vdb["QDRANT_APIKEY"]);
        Assert.Equal("qdrant", vdb["SAGE_VDB_BACKEND"]);

        var memory = await EnvironmentOfAsync(appHost, "memory");
        Assert.Equal("{kv.bindings.http.url}", memory["services__kv__http__0"]);
        Assert.Equal("{vdb.bindings.http.url}", memory["services__vdb__http__0"]);
        Assert.DoesNotContain(memory.Keys, key => key.StartsWith("ConnectionStrings__", StringComparison.Ordinal));

        // Run-mode-only settings must not reach a deployment.
        Assert.DoesNotContain(memory.Keys, key => key.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal));
        Assert.DoesNotContain("LOGGING__CONSOLE__FORMATTERNAME", memory.Keys);
    }

    [Fact]
    public async Task Qdrant_resource_has_the_official_integrations_contract()
    {
        await using var appHost = await CreateAsync(["--operation", "publish"]);
        var qdrant = Assert.IsType<QdrantServerResource>(Resource(appHost, "qdrant"));

        var image = Assert.Single(qdrant.Annotations.OfType<ContainerImageAnnotation>());
        Assert.Equal(("docker.io", "qdrant/qdrant"), (image.Registry, image.Image));
        Assert.Matches(@"^v\d+\.\d+\.\d+$", image.Tag);

        var endpoints = qdrant.Annotations.OfType<EndpointAnnotation>().ToDictionary(endpoint => endpoint.Name);
        Assert.Equal((6334, "http2"), (endpoints["grpc"].TargetPort, endpoints["grpc"].Transport));
        Assert.Equal((6333, "http"), (endpoints["http"].TargetPort, endpoints["http"].UriScheme));

        var environment = await EnvironmentOfAsync(appHost, "qdrant");
        Assert.Equal("{qdrant-Key.value}", environment["QDRANT__SERVICE__API_KEY"]);
        Assert.Equal("0", environment["QDRANT__SERVICE__ENABLE_STATIC_CONTENT"]);

        Assert.Contains(qdrant.Annotations.OfType<ContainerMountAnnotation>(), mount => mount.Target == "/qdrant/storage");
        Assert.NotEmpty(qdrant.Annotations.OfType<HealthCheckAnnotation>());
        Assert.Equal("Endpoint={qdrant.bindings.grpc.url};Key={qdrant-Key.value}", qdrant.ConnectionStringExpression.ValueExpression);
        Assert.Equal(
            ["GrpcHost", "GrpcPort", "HttpHost", "HttpPort", "ApiKey", "Uri", "HttpUri"],
            ((IResourceWithConnectionString)qdrant).GetConnectionProperties().Select(property => property.Key));
    }

    [Fact]
    public async Task Embedded_switch_drops_both_stores_and_selects_in_process_engines()
    {
        await using var appHost = await CreateAsync(["--Sage:Embedded=true"]);

        Assert.True(appHost.ExecutionContext.IsRunMode);
        Assert.DoesNotContain(appHost.Resources, resource => resource.IsContainer());
        Assert.DoesNotContain(appHost.Resources, resource => resource.Name is "redis" or "qdrant");

        var kv = await EnvironmentOfAsync(appHost, "kv");
        Assert.Equal("memory", kv["SAGE_KV_BACKEND"]);
        Assert.DoesNotContain("ConnectionStrings__redis", kv.Keys);

        var vdb = await EnvironmentOfAsync(appHost, "vdb");
        Assert.Equal("embedded", vdb["SAGE_VDB_BACKEND"]);
        Assert.DoesNotContain(vdb.Keys, key => key.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Redis_process_switch_runs_redis_server_as_an_executable_that_kv_waits_for()
    {
        await using var appHost = await CreateAsync(["--Sage:Redis=process", "--Sage:Qdrant=none"]);

        var redis = Assert.IsType<RedisServerProcessResource>(Resource(appHost, "redis"));
        Assert.Equal("redis-server", redis.Command);
        Assert.DoesNotContain(appHost.Resources, resource => resource.IsContainer());
        Assert.Contains(Resource(appHost, "kv").Annotations.OfType<WaitAnnotation>(), wait => wait.Resource == redis);
        Assert.NotEmpty(redis.Annotations.OfType<HealthCheckAnnotation>());

        var kv = await EnvironmentOfAsync(appHost, "kv");
        Assert.Equal("{redis.connectionString}", kv["ConnectionStrings__redis"]);
        Assert.Equal("redis", kv["SAGE_KV_BACKEND"]);
        Assert.Equal("embedded", (await EnvironmentOfAsync(appHost, "vdb"))["SAGE_VDB_BACKEND"]);
    }

    [Fact]
    public async Task Existing_switches_reference_the_apphosts_own_connection_strings_and_nothing_else()
    {
        await using var appHost = await CreateAsync([
            "--Sage:Redis=existing", "--Sage:Qdrant=existing",
            "--ConnectionStrings:redis=cache.example:6380,password=pw,ssl=true",
            "--ConnectionStrings:qdrant=Endpoint=http://vectors.example:6334;Key=k"]);

        // AddConnectionString: a parameter that is read from the AppHost's ConnectionStrings section.
        Assert.IsAssignableFrom<ParameterResource>(Resource(appHost, "redis"));
        Assert.IsAssignableFrom<ParameterResource>(Resource(appHost, "qdrant"));
        Assert.DoesNotContain(appHost.Resources, resource => resource.IsContainer());

        var kv = await EnvironmentOfAsync(appHost, "kv");
        Assert.Equal("{redis.connectionString}", kv["ConnectionStrings__redis"]);
        // Aspire 13.6 splats no REDIS_* properties for a connection-string resource.
        Assert.DoesNotContain(kv.Keys, key => key.StartsWith("REDIS_", StringComparison.Ordinal));
        Assert.Equal("{qdrant.connectionString}", (await EnvironmentOfAsync(appHost, "vdb"))["ConnectionStrings__qdrant"]);
        Assert.DoesNotContain((await EnvironmentOfAsync(appHost, "memory")).Keys, key => key.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--Sage:Redis=docker", "Sage:Redis is 'docker'; use container | process | existing | none.")]
    [InlineData("--Sage:Qdrant=process", "Sage:Qdrant is 'process'; use container | existing | none.")]
    [InlineData("--Sage:Redis=1", "Sage:Redis is '1'; use container | process | existing | none.")]
    [InlineData("--Sage:Embeddings=gpt", "Sage:Embeddings is 'gpt'; use local | openai | none.")]
    public async Task Unknown_store_switch_stops_the_apphost_naming_the_setting(string argument, string message)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var appHost = await CreateAsync([argument]);
        });

        Assert.Contains(message, Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_embeddings_are_the_default_and_model_nothing()
    {
        await using var appHost = await CreateAsync(["--operation", "publish"]);

        Assert.DoesNotContain(appHost.Resources, resource => resource.Name == "embeddings");
        Assert.DoesNotContain((await EnvironmentOfAsync(appHost, "memory")).Keys,
            key => key.StartsWith("SAGE_EMBEDDINGS_", StringComparison.Ordinal) || key == "ConnectionStrings__embeddings");
    }

    [Fact]
    public async Task Openai_embeddings_reference_the_apphosts_connection_string_from_memory_only()
    {
        await using var appHost = await CreateAsync([
            "--operation", "publish", "--Sage:Embeddings=openai",
            "--ConnectionStrings:embeddings=Endpoint=http://llm.example/v1;Key=k;Model=text-embedding-3-small"]);

        Assert.IsAssignableFrom<ParameterResource>(Resource(appHost, "embeddings"));
        var memory = await EnvironmentOfAsync(appHost, "memory");
        Assert.Equal("{embeddings.connectionString}", memory["ConnectionStrings__embeddings"]);
        Assert.Equal("openai", memory["SAGE_EMBEDDINGS_PROVIDER"]);
        Assert.DoesNotContain("ConnectionStrings__embeddings", (await EnvironmentOfAsync(appHost, "kv")).Keys);
        Assert.DoesNotContain("ConnectionStrings__embeddings", (await EnvironmentOfAsync(appHost, "vdb")).Keys);
    }

    [Fact]
    public async Task No_embeddings_switch_tells_memory_to_take_vectors_only()
    {
        await using var appHost = await CreateAsync(["--operation", "publish", "--Sage:Embeddings=none"]);

        Assert.Equal("none", (await EnvironmentOfAsync(appHost, "memory"))["SAGE_EMBEDDINGS_PROVIDER"]);
    }

    [Fact]
    public async Task Embedded_switch_is_ignored_when_publishing()
    {
        await using var appHost = await CreateAsync(["--operation", "publish", "--Sage:Embedded=true"]);

        Assert.IsType<RedisResource>(Resource(appHost, "redis"));
        Assert.IsType<QdrantServerResource>(Resource(appHost, "qdrant"));
    }

    private static string Flatten(Exception error) =>
        string.Join(" | ", Enumerable.Repeat(error, 1).Concat(error is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [])
            .SelectMany(e => new[] { e, e.InnerException }).OfType<Exception>().Select(e => e.Message));

    private static Task<IDistributedApplicationTestingBuilder> CreateAsync(string[] args)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        return DistributedApplicationTestingBuilder
            .CreateAsync<Projects.Sage_AppHost>(args, cancellationToken)
            .WaitAsync(Timeout, cancellationToken);
    }

    private static IResource Resource(IDistributedApplicationTestingBuilder appHost, string name) =>
        Assert.Single(appHost.Resources, resource => resource.Name == name);

    private static Task<Dictionary<string, string>> EnvironmentOfAsync(IDistributedApplicationTestingBuilder appHost, string name) =>
        ModelEnvironment.AsExpressionsAsync(Resource(appHost, name), TestContext.Current.CancellationToken);

    private static string[] ReferencesOf(IDistributedApplicationTestingBuilder appHost, string name) =>
        Resource(appHost, name).Annotations
            .OfType<ResourceRelationshipAnnotation>()
            .Where(relationship => relationship.Type == "Reference")
            .Select(relationship => relationship.Resource.Name)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();
}
