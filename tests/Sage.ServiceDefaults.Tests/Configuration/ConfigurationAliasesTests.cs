using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Sage.ServiceDefaults.Configuration;

namespace Sage.ServiceDefaults.Tests.Configuration;

public sealed class ConfigurationAliasesTests
{
    // Real environment variables under a prefix of this test's own, so parallel tests cannot see them.
    private static IConfiguration Build(Dictionary<string, string?> appsettings, Dictionary<string, string> environment)
    {
        var prefix = $"SAGETEST_{Guid.NewGuid():N}_";
        foreach (var (key, value) in environment)
            Environment.SetEnvironmentVariable(prefix + key, value);
        try
        {
            var configuration = new ConfigurationManager();
            configuration.AddInMemoryCollection(appsettings);
            configuration.AddEnvironmentVariables(prefix);
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Configuration = configuration });
            builder.AddSageConfigurationAliases();
            return builder.Configuration;
        }
        finally
        {
            foreach (var key in environment.Keys)
                Environment.SetEnvironmentVariable(prefix + key, null);
        }
    }

    [Fact]
    public void Alias_beats_appsettings_when_the_host_adds_prefixed_environment_sources_first()
    {
        // WebApplicationBuilder's order: DOTNET_/ASPNETCORE_ environment, appsettings, then the app's environment.
        var prefix = $"SAGETEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "SAGE_MEMORY_MODE", "embedded");
        try
        {
            var configuration = new ConfigurationManager();
            configuration.AddEnvironmentVariables("DOTNET_");
            configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Sage:Memory:Mode"] = "standard" });
            configuration.AddEnvironmentVariables(prefix);
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Configuration = configuration });
            builder.AddSageConfigurationAliases();

            Assert.Equal("embedded", builder.Configuration["Sage:Memory:Mode"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "SAGE_MEMORY_MODE", null);
        }
    }

    [Fact]
    public void Canonical_environment_key_beats_the_alias()
    {
        var configuration = Build([], new() { ["Sage__ApiKey"] = "canonical", ["SAGE_API_KEY"] = "alias" });

        Assert.Equal("canonical", configuration["Sage:ApiKey"]);
    }

    [Fact]
    public void Alias_beats_appsettings()
    {
        var configuration = Build(new() { ["Sage:ApiKey"] = "appsettings" }, new() { ["SAGE_API_KEY"] = "alias" });

        Assert.Equal("alias", configuration["Sage:ApiKey"]);
    }

    [Fact]
    public void Aspire_short_form_beats_the_sage_alias_and_loses_its_trailing_slash()
    {
        var configuration = Build([], new() { ["KV_HTTP"] = "http://localhost:9001/", ["SAGE_MEMORY_KV_URL"] = "http://localhost:8001" });

        Assert.Equal("http://localhost:9001", configuration["services:kv:http:0"]);
    }

    [Fact]
    public void Qdrant_url_and_key_become_the_aspire_grpc_connection_string()
    {
        var configuration = Build([], new() { ["SAGE_QDRANT_URL"] = "http://localhost:6334", ["SAGE_QDRANT_API_KEY"] = "k" });

        Assert.Equal("Endpoint=http://localhost:6334;Key=k", configuration["ConnectionStrings:qdrant"]);
    }
}
