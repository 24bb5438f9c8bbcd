using Sage.Launcher.Model;

namespace Sage.Launcher.Tests;

public sealed class LaunchPlanBuilderTests
{
    private static LaunchPlan Build(LaunchRequest request, string? yaml = null) => LaunchPlanBuilder.Build(
        request, yaml is null ? null : ServicesConfigFile.Parse(yaml, "services_config.yaml"), () => 6390, "/work");

    private static string[] Names(LaunchPlan plan) => plan.Services.Select(s => s.Name).ToArray();

    [Fact]
    public void Defaults_are_standard_with_embedded_backends_on_8000_8001_8002()
    {
        var plan = Build(new LaunchRequest());

        Assert.Equal(ServiceSet.Standard, plan.Set);
        Assert.Equal(["kv", "vdb", "memory"], Names(plan));
        Assert.Equal([8001, 8002, 8000], plan.Services.Select(s => s.Port));
        Assert.Equal("memory", plan.KvBackend);
        Assert.Equal("embedded", plan.VdbBackend);
        Assert.Null(plan.Redis);
        Assert.Null(plan.Qdrant);
        Assert.Null(plan.DataDirectory);
    }

    [Theory]
    [InlineData("standard", new[] { "kv", "vdb", "memory" })]
    [InlineData("minimal", new[] { "memory" })]
    [InlineData("kv-only", new[] { "kv" })]
    [InlineData("vdb-only", new[] { "vdb" })]
    public void Each_config_starts_its_services(string config, string[] expected)
    {
        Assert.Equal(expected, Names(Build(new LaunchRequest { Config = config })));
    }

    [Fact]
    public void Memory_depends_on_kv_and_vdb_in_standard_and_on_nothing_in_minimal()
    {
        Assert.Equal(["kv", "vdb"], Build(new LaunchRequest()).Find("memory")!.Dependencies);
        Assert.Empty(Build(new LaunchRequest { Config = "minimal" }).Find("memory")!.Dependencies);
    }

    [Fact]
    public void Port_base_moves_all_three()
    {
        var plan = Build(new LaunchRequest { PortBase = 9100 });
        Assert.Equal([9101, 9102, 9100], plan.Services.Select(s => s.Port));
    }

    [Fact]
    public void The_config_file_decides_what_no_flag_says()
    {
        var plan = Build(new LaunchRequest(), """
            services:
              kv_service: { port: 7001, backend_type: redis, redis_url: "redis://cache:6400" }
              vdb_service: { port: 7002, collection_name: docs, persist_directory: ./store }
              memory_service: { port: 7000 }
            """);

        Assert.Equal([7001, 7002, 7000], plan.Services.Select(s => s.Port));
        Assert.Equal("redis", plan.KvBackend);
        Assert.Equal(new RedisEndpoint("cache", 6400, null, false), plan.Redis);
        Assert.Equal("docs", plan.Collection);
        Assert.Equal("/work/store", plan.DataDirectory);
    }

    [Fact]
    public void Flags_override_the_config_file()
    {
        var plan = Build(new LaunchRequest { KvBackend = "memory", PortBase = 9000, PersistDir = "/flag" }, """
            services:
              kv_service: { port: 7001, backend_type: redis, redis_url: "redis://cache:6400" }
              vdb_service: { persist_directory: ./store }
            """);

        Assert.Equal("memory", plan.KvBackend);
        Assert.Null(plan.Redis);
        Assert.Equal(9001, plan.Find("kv")!.Port);
        Assert.Equal("/flag", plan.DataDirectory);
    }

    [Fact]
    public void A_redis_url_alone_implies_the_redis_backend()
    {
        Assert.Equal("redis", Build(new LaunchRequest { RedisUrl = "redis://localhost:6379" }).KvBackend);
    }

    [Fact]
    public void Memory_dependencies_in_the_file_choose_what_standard_starts()
    {
        var plan = Build(new LaunchRequest(), "services:\n  memory_service:\n    dependencies: [kv_service]\n");
        Assert.Equal(["kv", "memory"], Names(plan));
        Assert.Equal(["kv"], plan.Find("memory")!.Dependencies);
    }

    [Fact]
    public void Redis_without_url_is_managed_in_a_temporary_directory_unless_persisted()
    {
        var temporary = Build(new LaunchRequest { KvBackend = "redis" }).Redis!;
        Assert.True(temporary.IsManaged);
        Assert.True(temporary.DeleteDataOnStop);
        Assert.Equal(6390, temporary.Port);

        var kept = Build(new LaunchRequest { KvBackend = "redis", PersistDir = "/keep" }).Redis!;
        Assert.False(kept.DeleteDataOnStop);
        Assert.Equal("/keep/redis", kept.ManagedDataDirectory);
    }

    [Fact]
    public void A_config_without_the_kv_engine_starts_no_redis()
    {
        Assert.Null(Build(new LaunchRequest { Config = "vdb-only", KvBackend = "redis" }).Redis);
    }

    [Theory]
    [InlineData("unknown", null, null, null, "Unknown config 'unknown'")]
    [InlineData(null, "mongo", null, null, "--kv-backend must be memory or redis, not 'mongo'")]
    [InlineData(null, null, "chroma", null, "--vdb-backend must be embedded or qdrant, not 'chroma'")]
    [InlineData(null, null, "qdrant", null, "--vdb-backend qdrant needs --qdrant-url")]
    [InlineData(null, null, null, 65535, "outside 1-65535")]
    public void Bad_choices_are_one_clear_line(string? config, string? kv, string? vdb, int? portBase, string message)
    {
        var ex = Assert.Throws<LaunchException>(() => Build(new LaunchRequest { Config = config, KvBackend = kv, VdbBackend = vdb, PortBase = portBase }));
        Assert.Contains(message, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Unknown_memory_dependency_is_an_error()
    {
        var ex = Assert.Throws<LaunchException>(() => Build(new LaunchRequest(), "services:\n  memory_service:\n    dependencies: [graph_service]\n"));
        Assert.Contains("graph_service", ex.Message);
    }

    [Fact]
    public void Duplicate_ports_are_an_error()
    {
        Assert.Throws<LaunchException>(() => Build(new LaunchRequest(), "services:\n  kv_service: { port: 8000 }\n"));
    }
}
