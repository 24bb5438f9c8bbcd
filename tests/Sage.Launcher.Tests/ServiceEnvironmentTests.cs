using System.Text.RegularExpressions;
using Sage.Launcher.Model;
using Sage.Launcher.Processes;

namespace Sage.Launcher.Tests;

public sealed class ServiceEnvironmentTests
{
    private const int ParentPid = 4242;
    private const string Password = "Abcdefghij0123456789xy";
    private const string QdrantKey = "QdrantKey0123456789abc";

    private static LaunchPlan Plan(LaunchRequest request) =>
        LaunchPlanBuilder.Build(request, file: null, freePort: () => 6390, workingDirectory: "/work");

    private static LaunchPlan DefaultAspireModel() => Plan(new LaunchRequest
    {
        KvBackend = "redis",
        RedisUrl = $"redis://:{Password}@localhost:6390",
        VdbBackend = "qdrant",
        QdrantUrl = "http://localhost:6333",
        QdrantApiKey = QdrantKey,
    });

    private static void AssertMatches(IReadOnlyDictionary<string, string?> expected, IReadOnlyDictionary<string, string> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in expected)
        {
            if (value is null)
                Assert.Matches(new Regex(AspireEnvironmentTable.Patterns[key]), actual[key]);
            else
                Assert.True(value == actual[key], $"{key}: expected '{value}', launcher gives '{actual[key]}'");
        }
    }

    [Fact]
    public void Kv_given_a_redis_url_gets_the_connection_string_alone_as_for_an_existing_redis()
    {
        // Sage:Redis=existing is AddConnectionString("redis"): Aspire 13.6 splats no REDIS_* rows for it.
        var plan = DefaultAspireModel();
        var expected = AspireEnvironmentTable.Merge(
            AspireEnvironmentTable.EveryProject("kv", "http://localhost:8001"),
            new() { ["ConnectionStrings__redis"] = $"localhost:6390,password={Password}" },
            new() { ["SAGE_KV_BACKEND"] = "redis", ["SAGE_PARENT_PID"] = "4242" });

        AssertMatches(expected, ServiceEnvironment.Build(plan, plan.Find("kv")!, ParentPid));
    }

    [Fact]
    public void Vdb_gets_exactly_the_qdrant_reference_rows_of_the_default_model()
    {
        var plan = DefaultAspireModel();
        var expected = AspireEnvironmentTable.Merge(
            AspireEnvironmentTable.EveryProject("vdb", "http://localhost:8002"),
            AspireEnvironmentTable.QdrantReference("localhost", 6333, 6334, QdrantKey),
            new() { ["SAGE_VDB_BACKEND"] = "qdrant", ["SAGE_PARENT_PID"] = "4242" });

        AssertMatches(expected, ServiceEnvironment.Build(plan, plan.Find("vdb")!, ParentPid));
    }

    [Fact]
    public void Memory_gets_exactly_the_discovery_rows_of_kv_and_vdb()
    {
        var plan = DefaultAspireModel();
        var expected = AspireEnvironmentTable.Merge(
            AspireEnvironmentTable.EveryProject("memory", "http://localhost:8000"),
            AspireEnvironmentTable.ProjectReference("kv", "http://localhost:8001"),
            AspireEnvironmentTable.ProjectReference("vdb", "http://localhost:8002"),
            new() { ["SAGE_PARENT_PID"] = "4242" });

        AssertMatches(expected, ServiceEnvironment.Build(plan, plan.Find("memory")!, ParentPid));
    }

    [Fact]
    public void Embedded_model_has_no_connection_strings_only_the_backend_switches()
    {
        var plan = Plan(new LaunchRequest());

        AssertMatches(AspireEnvironmentTable.Merge(
                AspireEnvironmentTable.EveryProject("kv", "http://localhost:8001"),
                new() { ["SAGE_KV_BACKEND"] = "memory", ["SAGE_PARENT_PID"] = "4242" }),
            ServiceEnvironment.Build(plan, plan.Find("kv")!, ParentPid));
        AssertMatches(AspireEnvironmentTable.Merge(
                AspireEnvironmentTable.EveryProject("vdb", "http://localhost:8002"),
                new() { ["SAGE_VDB_BACKEND"] = "embedded", ["SAGE_PARENT_PID"] = "4242" }),
            ServiceEnvironment.Build(plan, plan.Find("vdb")!, ParentPid));
    }

    [Fact]
    public void Otlp_rows_appear_only_with_an_endpoint()
    {
        var without = Plan(new LaunchRequest());
        Assert.DoesNotContain(ServiceEnvironment.Build(without, without.Services[0], ParentPid).Keys, k => k.StartsWith("OTEL_EXPORTER_OTLP", StringComparison.Ordinal));

        var grpc = Plan(new LaunchRequest { OtlpEndpoint = "http://localhost:4317" });
        var env = ServiceEnvironment.Build(grpc, grpc.Services[0], ParentPid);
        Assert.Equal("http://localhost:4317", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("grpc", env["OTEL_EXPORTER_OTLP_PROTOCOL"]);

        var http = Plan(new LaunchRequest { OtlpEndpoint = "http://localhost:4318" });
        Assert.Equal("http/protobuf", ServiceEnvironment.Build(http, http.Services[0], ParentPid)["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_HEADERS", env.Keys);
    }

    [Fact]
    public void Otlp_headers_carry_a_secured_dashboards_api_key()
    {
        var plan = Plan(new LaunchRequest { OtlpEndpoint = "http://localhost:19100", OtlpHeaders = "x-otlp-api-key=secret" });
        Assert.Equal("x-otlp-api-key=secret", ServiceEnvironment.Build(plan, plan.Services[0], ParentPid)["OTEL_EXPORTER_OTLP_HEADERS"]);

        var withoutEndpoint = Plan(new LaunchRequest { OtlpHeaders = "x-otlp-api-key=secret" });
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_HEADERS", ServiceEnvironment.Build(withoutEndpoint, withoutEndpoint.Services[0], ParentPid).Keys);
    }

    [Fact]
    public void Managed_redis_is_injected_like_aspires_redis_resource()
    {
        var plan = Plan(new LaunchRequest { KvBackend = "redis", PersistDir = "data" });
        var redis = plan.Redis!;
        var env = ServiceEnvironment.Build(plan, plan.Find("kv")!, ParentPid);

        Assert.True(redis.IsManaged);
        Assert.Equal(Path.Combine("/work", "data", "redis"), redis.ManagedDataDirectory);
        Assert.Matches("^[A-Za-z0-9]{22}$", redis.Password);
        foreach (var (key, value) in AspireEnvironmentTable.RedisReference("localhost", 6390, redis.Password!))
            Assert.Equal(value, env[key]);
    }

    [Fact]
    public void Minimal_memory_hosts_both_engines_and_gets_their_settings()
    {
        var plan = Plan(new LaunchRequest { Config = "minimal", PersistDir = "/data" });
        var env = ServiceEnvironment.Build(plan, plan.Find("memory")!, ParentPid);

        Assert.Equal("embedded", env["SAGE_MEMORY_MODE"]);
        Assert.Equal("memory", env["SAGE_KV_BACKEND"]);
        Assert.Equal("embedded", env["SAGE_VDB_BACKEND"]);
        Assert.Equal(Path.Combine("/data", "vectors"), env["SAGE_VDB_PERSIST_DIR"]);
        Assert.Equal(Path.Combine("/data", "kv"), env["SAGE_KV_PERSIST_DIR"]);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("services__", StringComparison.Ordinal));
        Assert.Equal("http://localhost:8000", env["ASPNETCORE_URLS"]);
    }

    [Fact]
    public void Persist_dir_makes_the_in_memory_kv_durable_and_leaves_redis_to_its_own_file()
    {
        var memory = Plan(new LaunchRequest { PersistDir = "/data" });
        Assert.Equal(Path.Combine("/data", "kv"), ServiceEnvironment.Build(memory, memory.Find("kv")!, ParentPid)["SAGE_KV_PERSIST_DIR"]);
        Assert.DoesNotContain("SAGE_KV_PERSIST_DIR", ServiceEnvironment.Build(memory, memory.Find("memory")!, ParentPid).Keys);

        var redis = Plan(new LaunchRequest { KvBackend = "redis", PersistDir = "/data" });
        Assert.DoesNotContain("SAGE_KV_PERSIST_DIR", ServiceEnvironment.Build(redis, redis.Find("kv")!, ParentPid).Keys);
        var nothingKept = Plan(new LaunchRequest());
        Assert.DoesNotContain("SAGE_KV_PERSIST_DIR", ServiceEnvironment.Build(nothingKept, nothingKept.Find("kv")!, ParentPid).Keys);
    }

    [Fact]
    public void Each_service_gets_its_own_instance_id()
    {
        var plan = Plan(new LaunchRequest());
        var ids = plan.Services.Select(s => ServiceEnvironment.Build(plan, s, ParentPid)["OTEL_RESOURCE_ATTRIBUTES"]).ToList();
        Assert.Equal(3, ids.Distinct().Count());
    }
}
