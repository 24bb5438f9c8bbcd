using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Sage.Client.Kv;
using Sage.Client.Memory;
using Sage.Client.Vdb;
using Sage.Kv;
using Sage.Memory;
using Sage.Vdb;

namespace Sage.Client.Tests;

/// <summary>The KV service in-process (memory backend), with extra settings.</summary>
public sealed class KvServiceFactory(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<KvOptions>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Sage:Kv:Backend", "memory");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
    }

    /// <summary>A typed client over the in-process server.</summary>
    public KvClient CreateKvClient() => new(CreateClient());
}

/// <summary>The VDB service in-process (embedded backend, in memory), with extra settings.</summary>
public sealed class VdbServiceFactory(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<VdbOptions>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Sage:Vdb:Backend", "embedded");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
    }

    /// <summary>A typed client over the in-process server.</summary>
    public VdbClient CreateVdbClient() => new(CreateClient());
}

/// <summary>The Memory service in-process, in <c>minimal</c> mode (KV and VDB engines in the same process) unless settings say otherwise.</summary>
public sealed class MemoryServiceFactory(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<MemoryOptions>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Sage:Memory:Mode", "minimal");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
        if (services is not null)
            builder.ConfigureTestServices(services);
    }

    /// <summary>A typed client over the in-process server.</summary>
    public MemoryClient CreateMemoryClient() => new(CreateClient());
}
