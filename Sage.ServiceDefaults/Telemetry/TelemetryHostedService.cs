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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetService<TracerProvider>();
        services.GetService<MeterProvider>();
        services.GetService<LoggerProvider>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        services.GetService<TracerProvider>()?.ForceFlush(FlushTimeoutMs);
        services.GetService<MeterProvider>()?.ForceFlush(FlushTimeoutMs);
        services.GetService<LoggerProvider>()?.ForceFlush(FlushTimeoutMs);
        return Task.CompletedTask;
    }
}
