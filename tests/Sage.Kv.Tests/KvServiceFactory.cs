using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Sage.Kv.Tests;

/// <summary>The KV service in-process over real HTTP semantics, configured by the settings given.</summary>
public sealed class KvServiceFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<KvOptions>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
    }
}
