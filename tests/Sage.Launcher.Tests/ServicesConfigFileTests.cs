using Sage.Launcher.Model;

namespace Sage.Launcher.Tests;

public sealed class ServicesConfigFileTests
{
    // SAGE's documented example, verbatim.
    private const string SageExample = """
        services:
          kv_service:
            host: "localhost"
            port: 8001
            backend_type: "redis"
            redis_url: "redis://localhost:6379"

          vdb_service:
            host: "localhost"
            port: 8002
            collection_name: "sage_vectors"
            persist_directory: "./vector_storage"

          memory_service:
            host: "localhost"
            port: 8000
            dependencies: ["kv_service", "vdb_service"]
        """;

    [Fact]
    public void Reads_sages_documented_format()
    {
        var file = ServicesConfigFile.Parse(SageExample, "services_config.yaml");

        Assert.Equal(8001, file.Services.KvService!.Port);
        Assert.Equal("redis", file.Services.KvService.BackendType);
        Assert.Equal("redis://localhost:6379", file.Services.KvService.RedisUrl);
        Assert.Equal("sage_vectors", file.Services.VdbService!.CollectionName);
        Assert.Equal("./vector_storage", file.Services.VdbService.PersistDirectory);
        Assert.Equal(["kv_service", "vdb_service"], file.Services.MemoryService!.Dependencies!);
    }

    [Fact]
    public void An_empty_file_is_an_empty_config()
    {
        Assert.Null(ServicesConfigFile.Parse("", "empty.yaml").Services.KvService);
    }

    [Fact]
    public void Broken_yaml_is_one_line_naming_file_and_line()
    {
        var ex = Assert.Throws<LaunchException>(() => ServicesConfigFile.Parse("services:\n  kv_service:\n    port: [8001\n", "bad.yaml"));

        Assert.StartsWith("bad.yaml:", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void A_misspelt_key_names_its_line()
    {
        var ex = Assert.Throws<LaunchException>(() => ServicesConfigFile.Parse("services:\n  kv_service:\n    prot: 8001\n", "typo.yaml"));

        Assert.StartsWith("typo.yaml:3:", ex.Message);
        Assert.Contains("prot", ex.Message);
    }

    [Fact]
    public void A_port_that_is_not_a_number_names_its_line()
    {
        var ex = Assert.Throws<LaunchException>(() => ServicesConfigFile.Parse("services:\n  vdb_service:\n\n    port: eighty\n", "ports.yaml"));

        Assert.StartsWith("ports.yaml:4:", ex.Message);
    }

    [Fact]
    public void A_missing_file_says_so()
    {
        var ex = Assert.Throws<LaunchException>(() => ServicesConfigFile.Load("/nonexistent/services_config.yaml"));
        Assert.Contains("/nonexistent/services_config.yaml", ex.Message);
    }
}
