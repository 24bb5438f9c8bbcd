using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Sage.ServiceDefaults.Telemetry;

/// <summary>
/// Builds the providers when the host starts (they listen only once built) and flushes them when it stops;
/// the container disposes them, as it owns the singletons.
/// </summary>
internal sealed class TelemetryHostedService(IServiceProvider services) : IHostedService
{
    private const int FlushTimeoutMs = 5000;

    // Held from start: at stop the container may already be disposed (WebApplicationFactory disposes it first).
    private TracerProvider? _tracing;
    private MeterProvider? _metrics;
    private LoggerProvider? _logging;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _tracing = services.GetService<TracerProvider>();
        _metrics = services.GetService<MeterProvider>();
        _logging = services.GetService<LoggerProvider>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // A provider the container already disposed simply has nothing left to flush.
        Flush(() => _tracing?.ForceFlush(FlushTimeoutMs));
        Flush(() => _metrics?.ForceFlush(FlushTimeoutMs));
        Flush(() => _logging?.ForceFlush(FlushTimeoutMs));
        return Task.CompletedTask;
    }

    private static void Flush(Func<bool?> flush)
    {
        try
        {
            flush();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
