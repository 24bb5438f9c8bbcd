using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Sage.Vdb.Tests;

/// <summary>The VDB service in-process, configured by the settings given.</summary>
public sealed class VdbServiceFactory(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<VdbOptions>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Sage:Vdb:Backend", "embedded");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
    }
}
