using Sage.Client.Kv;
using Sage.Client.Vdb;
using Sage.Memory.Remote;
using Sage.ServiceDefaults.Discovery;
using Sage.Storage.Kv;
using Sage.Storage.Vectors;

namespace Sage.Memory.Extensions;

internal static class RemoteStores
{
    /// <summary>The service-discovery addresses of the two dependencies (<c>services:kv:…</c>, <c>services:vdb:…</c>).</summary>
    public static readonly Uri KvAddress = new("https+http://kv"), VdbAddress = new("https+http://vdb");

    /// <summary>
    /// KV and VDB over HTTP through Sage.Client's typed clients, which send <c>Sage:ApiKey</c> (alias <c>SAGE_API_KEY</c>)
    /// to both; the start fails, naming the setting, when either has no endpoint.
    /// </summary>
    public static IHostApplicationBuilder AddRemoteStores(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRequiredServiceEndpoint("kv");
        builder.Services.AddRequiredServiceEndpoint("vdb");
        builder.AddSageKvClient("kv", client => client.BaseAddress = KvAddress).AsLongLived();
        builder.AddSageVdbClient("vdb", client => client.BaseAddress = VdbAddress).AsLongLived();
        builder.Services.AddSingleton<IKvStore>(sp => new RemoteKvStore(sp.GetRequiredService<KvClient>()));
        builder.Services.AddSingleton<IVectorStore>(sp => new RemoteVectorStore(sp.GetRequiredService<VdbClient>()));
        return builder;
    }

    // The stores are singletons holding their client for the process's life, so the factory's handler rotation never
    // happens: pooled connections recycle themselves instead, and a moved KV or VDB (new DNS answer) is picked up.
    private static IHttpClientBuilder AsLongLived(this IHttpClientBuilder http) => http
        .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
}
