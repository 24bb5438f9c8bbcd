using System.Diagnostics;
using System.Text.Json;
using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using Polly;
using Sage.Client;
using Sage.Client.Memory;
using Sage.Storage;
using Sage.Storage.Kv;
using Sage.Storage.Vectors;

namespace Sage.Memory.Extensions;

/// <summary>
/// How Memory sees KV and VDB right now: in <c>standard</c> mode by asking each service's <c>/health</c> (which also names its
/// backend), in <c>embedded</c> mode by pinging the in-process engine. Never retried: a probe reports, it does not insist.
/// </summary>
public sealed class DependencyProbe(
    IOptions<MemoryOptions> options,
    IKvStore kv,
    IVectorStore vectors,
    IHttpClientFactory httpClients,
    IServiceProvider services)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public string Mode => options.Value.IsEmbedded ? "embedded" : "standard";

    public string BackendOf(string name) => name == "kv" ? kv.Backend : vectors.Backend;

    /// <summary>Where service discovery sends calls to <paramref name="name"/>: the first configured endpoint's address.</summary>
    public async ValueTask<string> LocationOfAsync(string name, CancellationToken cancellationToken)
    {
        if (options.Value.IsEmbedded)
            return "in-process";
        var resolver = services.GetRequiredService<ServiceEndpointResolver>();
        var source = await resolver.GetEndpointsAsync(AddressOf(name).ToString(), cancellationToken);
        return source.Endpoints.FirstOrDefault()?.EndPoint switch
        {
            UriEndPoint uri => uri.Uri.GetLeftPart(UriPartial.Authority),
            DnsEndPoint { Port: > 0 } dns => $"{dns.Host}:{dns.Port}",
            IPEndPoint ip => ip.ToString(),
            _ => "(not configured)",
        };
    }

    public async ValueTask<TimeSpan> PingAsync(string name, CancellationToken cancellationToken) =>
        name == "kv" ? await kv.PingAsync(cancellationToken) : await vectors.PingAsync(cancellationToken);

    public async Task<DependenciesResponse> ProbeAllAsync(CancellationToken cancellationToken)
    {
        var kvStatus = ProbeAsync("kv", cancellationToken);
        var vdbStatus = ProbeAsync("vdb", cancellationToken);
        return new DependenciesResponse(Mode, await kvStatus, await vdbStatus);
    }

    public async Task<DependencyStatus> ProbeAsync(string name, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        var started = Stopwatch.GetTimestamp();
        var location = "(not configured)";
        try
        {
            location = await LocationOfAsync(name, timeout.Token);
            if (options.Value.IsEmbedded)
            {
                var latency = await PingAsync(name, timeout.Token);
                return new DependencyStatus(name, location, "healthy", Math.Round(latency.TotalMilliseconds, 3), BackendOf(name));
            }
            var status = await ProbeHealthAsync(name, location, started, timeout.Token);
            // /health is open to anyone; the ping also makes one keyed call, so refused credentials show here too.
            if (status.Status == "healthy")
                await PingAsync(name, timeout.Token);
            return status;
        }
        // ExecutionRejectedException: the resilience handler's open circuit or timeout.
        catch (Exception e) when (e is StorageException or HttpRequestException or ExecutionRejectedException or OperationCanceledException or JsonException or InvalidOperationException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var reason = e is OperationCanceledException ? $"no answer within {ProbeTimeout.TotalSeconds:0} s" : e.Message;
            return new DependencyStatus(name, location, "unhealthy", Error: reason);
        }
    }

    private async Task<DependencyStatus> ProbeHealthAsync(string name, string location, long started, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(AddressOf(name), "/health"));
        request.MarkIdempotent(false);
        using var response = await httpClients.CreateClient(nameof(DependencyProbe)).SendAsync(request, cancellationToken);
        var latency = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3);
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        string? backend = null, description = null;
        if (body.RootElement.TryGetProperty("checks", out var checks) && checks.TryGetProperty($"{name}-backend", out var check))
        {
            if (check.TryGetProperty("data", out var data) && data.TryGetProperty("backend", out var b))
                backend = b.GetString();
            if (check.TryGetProperty("description", out var d))
                description = d.GetString();
        }
        return response.IsSuccessStatusCode
            ? new DependencyStatus(name, location, "healthy", latency, backend)
            : new DependencyStatus(name, location, "unhealthy", latency, backend, description ?? $"/health answered {(int)response.StatusCode}");
    }

    private static Uri AddressOf(string name) => name == "kv" ? RemoteStores.KvAddress : RemoteStores.VdbAddress;
}
