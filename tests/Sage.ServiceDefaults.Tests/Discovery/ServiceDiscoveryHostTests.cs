using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using Sage.ServiceDefaults.Discovery;

namespace Sage.ServiceDefaults.Tests.Discovery;

public sealed class ServiceDiscoveryHostTests
{
    [Fact]
    public async Task HttpClient_with_a_service_name_base_address_reaches_the_configured_endpoint()
    {
        await using var kv = await TestApps.StartBackendAsync(app => app.MapGet("/kv/{key}", (string key, HttpRequest r) => $"{key}@{r.Host}"));
        var builder = TestApps.CreateBuilder(new Dictionary<string, string?> { ["services:kv:http:0"] = kv.Address().ToString() });
        builder.Services.AddHttpClient("kv", c => c.BaseAddress = new Uri("https+http://kv"));
        await using var app = await TestApps.StartServiceAsync(builder);

        var body = await app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("kv").GetStringAsync("/kv/a", TestContext.Current.CancellationToken);

        Assert.Equal($"a@{kv.Address().Authority}", body);
    }

    [Fact]
    public async Task Required_service_without_an_endpoint_fails_the_host_at_start_naming_the_setting()
    {
        var builder = TestApps.CreateBuilder(new Dictionary<string, string?> { ["services:kv:http:0"] = "http://localhost:8001" });
        builder.Services.AddRequiredServiceEndpoint("kv").AddRequiredServiceEndpoint("vdb");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApps.StartServiceAsync(builder));

        Assert.Contains("services__vdb__http__0", error.Message, StringComparison.Ordinal);
        Assert.Contains("SAGE_MEMORY_VDB_URL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'kv'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Required_service_set_through_its_alias_lets_the_host_start_and_resolves_there()
    {
        var builder = TestApps.CreateBuilder(new Dictionary<string, string?> { ["SAGE_MEMORY_KV_URL"] = "http://localhost:8001/" });
        builder.Services.AddRequiredServiceEndpoint("kv");

        await using var app = await TestApps.StartServiceAsync(builder);

        var source = await app.Services.GetRequiredService<ServiceEndpointResolver>().GetEndpointsAsync("https+http://kv", TestContext.Current.CancellationToken);
        var endpoint = Assert.IsType<UriEndPoint>(Assert.Single(source.Endpoints).EndPoint);
        Assert.Equal(new Uri("http://localhost:8001/"), endpoint.Uri);
    }

    [Fact]
    public async Task Several_endpoints_of_a_service_are_all_used()
    {
        await using var first = await TestApps.StartBackendAsync(app => app.MapGet("/who", () => "first"));
        await using var second = await TestApps.StartBackendAsync(app => app.MapGet("/who", () => "second"));
        var builder = TestApps.CreateBuilder(new Dictionary<string, string?>
        {
            ["services:vdb:http:0"] = first.Address().ToString(),
            ["services:vdb:http:1"] = second.Address().ToString(),
        });
        builder.Services.AddHttpClient("vdb", c => c.BaseAddress = new Uri("http://vdb"));
        await using var app = await TestApps.StartServiceAsync(builder);
        var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("vdb");

        var answers = new HashSet<string>();
        for (var i = 0; i < 8; i++)
            answers.Add(await client.GetStringAsync("/who", TestContext.Current.CancellationToken));

        Assert.Equal(["first", "second"], answers.Order());
    }
}
