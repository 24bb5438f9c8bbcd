using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;

namespace Sage.ServiceDefaults.Telemetry;

/// <summary>
/// Stands in for OpenTelemetry.Extensions.Hosting's builder: the SDK's own <c>WithTracing</c> / <c>WithMetrics</c> /
/// <c>WithLogging</c> register the providers as DI singletons over it, reading <c>OTEL_*</c> settings from the host's configuration.
/// </summary>
internal sealed class SageOpenTelemetryBuilder(IServiceCollection services) : IOpenTelemetryBuilder
{
    public IServiceCollection Services { get; } = services;
}
