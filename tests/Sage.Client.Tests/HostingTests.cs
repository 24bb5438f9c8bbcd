using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sage.Client.Hosting;
using Sage.Client.Kv;
using Sage.Client.Memory;
using Sage.Client.Vdb;

namespace Sage.Client.Tests;

/// <summary>DI registration: base address from service discovery or overrides, and the API key on every request.</summary>
public sealed class HostingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string DependenciesJson =
        """{"mode":"standard","kv":{"name":"kv","location":"x","status":"healthy"},"vdb":{"name":"vdb","location":"y","status":"healthy"}}""";

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    [Fact]
    public async Task Memory_client_resolves_services_memory_http_0_through_discovery_and_sends_the_api_key()
    {
        var builder = Builder(new()
        {
            ["services:memory:http:0"] = "http://localhost:18000",
            ["Sage:Clients:memory:ApiKey"] = "s3cret",
        });
        builder.Services.AddServiceDiscovery().ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());
        var stub = StubHandler.Json(DependenciesJson);
        builder.AddSageMemoryClient("memory").ConfigurePrimaryHttpMessageHandler(() => stub);
        using var host = builder.Build();

        var dependencies = await host.Services.GetRequiredService<MemoryClient>().GetDependenciesAsync(Ct);

        Assert.Equal("standard", dependencies.Mode);
        var request = Assert.Single(stub.Requests);
        Assert.Equal("http://localhost:18000/dependencies", Assert.Single(stub.SentTo)!.AbsoluteUri);
        Assert.Equal(["s3cret"], request.Headers.GetValues("X-Api-Key"));
    }

    [Fact]
    public void Default_address_is_the_service_discovery_name()
    {
        var builder = Builder([]);
        builder.AddSageKvClient();
        builder.AddSageVdbClient();
        using var host = builder.Build();

        Assert.Equal(new Uri("https+http://kv/"), host.Services.GetRequiredService<KvClient>().HttpClient.BaseAddress);
        Assert.Equal(new Uri("https+http://vdb/"), host.Services.GetRequiredService<VdbClient>().HttpClient.BaseAddress);
        Assert.False(host.Services.GetRequiredService<KvClient>().HttpClient.DefaultRequestHeaders.Contains("X-Api-Key"));
    }

    [Fact]
    public void A_connection_string_sets_address_and_key_and_the_shared_key_is_the_fallback()
    {
        var builder = Builder(new()
        {
            ["ConnectionStrings:kv"] = "Endpoint=http://kv-host:8001;Key=kv-key",
            ["ConnectionStrings:vdb"] = "http://vdb-host:8002/base",
            ["Sage:ApiKey"] = "shared",
        });
        builder.AddSageKvClient("kv");
        builder.AddSageVdbClient("vdb");
        using var host = builder.Build();

        var kv = host.Services.GetRequiredService<KvClient>().HttpClient;
        var vdb = host.Services.GetRequiredService<VdbClient>().HttpClient;
        Assert.Equal(new Uri("http://kv-host:8001/"), kv.BaseAddress);
        Assert.Equal(["kv-key"], kv.DefaultRequestHeaders.GetValues("X-Api-Key"));
        Assert.Equal(new Uri("http://vdb-host:8002/base/"), vdb.BaseAddress);
        Assert.Equal(["shared"], vdb.DefaultRequestHeaders.GetValues("X-Api-Key"));
    }

    [Fact]
    public void Configuration_section_then_delegate_override_the_address()
    {
        var builder = Builder(new() { ["Sage:Clients:memory:BaseAddress"] = "http://from-config:1/", ["Sage:Clients:memory:Timeout"] = "00:00:05" });
        builder.AddSageMemoryClient("memory");
        builder.AddSageKvClient("kv", o => o.BaseAddress = new Uri("http://from-code:2"));
        using var host = builder.Build();

        var memory = host.Services.GetRequiredService<MemoryClient>().HttpClient;
        Assert.Equal(new Uri("http://from-config:1/"), memory.BaseAddress);
        Assert.Equal(TimeSpan.FromSeconds(5), memory.Timeout);
        Assert.Equal(new Uri("http://from-code:2/"), host.Services.GetRequiredService<KvClient>().HttpClient.BaseAddress);
    }

    [Fact]
    public void A_base_address_that_is_not_absolute_fails_naming_the_setting()
    {
        var builder = Builder([]);
        builder.AddSageKvClient("kv", o => o.BaseAddress = new Uri("relative", UriKind.Relative));
        using var host = builder.Build();
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<KvClient>());
        Assert.Contains("Sage:Clients:kv:BaseAddress", error.Message);
    }

    [Fact]
    public async Task The_api_key_is_accepted_by_a_service_that_requires_it_and_its_absence_is_a_401()
    {
        await using var kv = new KvServiceFactory(new Dictionary<string, string?> { ["Sage:ApiKey"] = "k3y" });
        var builder = Builder(new() { ["Sage:Clients:kv:BaseAddress"] = "http://localhost", ["Sage:Clients:kv:ApiKey"] = "k3y" });
        builder.AddSageKvClient().ConfigurePrimaryHttpMessageHandler(() => kv.Server.CreateHandler());
        using var host = builder.Build();

        var written = await host.Services.GetRequiredService<KvClient>().SetAsync("auth", System.Text.Json.JsonDocument.Parse("1").RootElement, cancellationToken: Ct);
        Assert.Equal("auth", written.Key);

        var anonymous = await Assert.ThrowsAsync<SageApiException>(() => kv.CreateKvClient().GetAsync("auth", Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("An API key is required.", anonymous.Title);
    }

    [Fact]
    public void Options_are_named_per_client()
    {
        var builder = Builder(new() { ["Sage:Clients:a:BaseAddress"] = "http://a", ["Sage:Clients:b:BaseAddress"] = "http://b" });
        builder.AddSageKvClient("a");
        builder.AddSageKvClient("b");
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptionsMonitor<SageClientOptions>>();
        Assert.Equal(new Uri("http://a"), options.Get("a").BaseAddress);
        Assert.Equal(new Uri("http://b"), options.Get("b").BaseAddress);
    }
}
