using Microsoft.Extensions.Configuration;
using Sage.ServiceDefaults.Discovery;

namespace Sage.ServiceDefaults.Tests.Discovery;

public sealed class ServiceEndpointResolverTests
{
    private static ServiceEndpointResolver Resolver(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());

    [Fact]
    public void Rewrites_scheme_host_port_and_base_path_keeping_path_and_query()
    {
        var resolver = Resolver(("services:kv:http:0", "http://127.0.0.1:5001/base/"));

        Assert.Equal(new Uri("http://127.0.0.1:5001/base/kv/a%20b?x=1"), resolver.Resolve(new Uri("http://kv/kv/a%20b?x=1")));
    }

    [Fact]
    public void Https_plus_http_prefers_https_and_falls_back_to_http()
    {
        var both = Resolver(("services:kv:http:0", "http://localhost:5001"), ("services:kv:https:0", "https://localhost:5002"));
        var httpOnly = Resolver(("services:kv:http:0", "http://localhost:5001"));

        Assert.Equal(new Uri("https://localhost:5002/x"), both.Resolve(new Uri("https+http://kv/x")));
        Assert.Equal(new Uri("http://localhost:5001/x"), httpOnly.Resolve(new Uri("https+http://kv/x")));
        Assert.Equal(new Uri("http://localhost:5001/x"), both.Resolve(new Uri("http://kv/x")));
        Assert.Equal(new Uri("https://localhost:5002/x"), both.Resolve(new Uri("https://kv/x")));
    }

    [Fact]
    public void Named_endpoint_is_addressed_with_an_underscore_prefix()
    {
        var resolver = Resolver(("services:kv:http:0", "http://localhost:5001"), ("services:kv:admin:0", "http://localhost:6001"));

        Assert.Equal(new Uri("http://localhost:6001/stats"), resolver.Resolve(new Uri("http://_admin.kv/stats")));
    }

    [Fact]
    public void Several_endpoints_are_used_in_turn()
    {
        var resolver = Resolver(("services:vdb:http:0", "http://localhost:7000"), ("services:vdb:http:1", "http://localhost:7001"));

        var ports = Enumerable.Range(0, 4).Select(_ => resolver.Resolve(new Uri("http://vdb/q")).Port).ToList();

        Assert.Equal([7000, 7001, 7000, 7001], ports);
    }

    [Theory]
    [InlineData("http://localhost:8001/x")]
    [InlineData("http://127.0.0.1:8001/x")]
    [InlineData("http://[::1]:8001/x")]
    [InlineData("https://api.example.com/x")]
    [InlineData("http://qdrant:6333/collections")]
    public void Addresses_that_are_not_service_names_pass_through(string address)
    {
        var uri = new Uri(address);

        Assert.Same(uri, Resolver().Resolve(uri));
    }

    [Fact]
    public void A_service_with_no_endpoint_is_a_clear_error_naming_the_settings()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolver().Resolve(new Uri("http://kv/x")));

        Assert.Contains("No endpoint is configured for service 'kv'", error.Message, StringComparison.Ordinal);
        Assert.Contains("services__kv__http__0", error.Message, StringComparison.Ordinal);
        Assert.Contains("SAGE_MEMORY_KV_URL", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => Resolver().Resolve(new Uri("https+http://vdb:9000/x")));
    }
}
