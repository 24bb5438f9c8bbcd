using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Sage.ServiceDefaults.Telemetry;

/// <summary>
/// Hooks for adding to the telemetry pipeline after <c>AddServiceDefaults()</c>: extra sources, meters, processors,
/// readers and in-process collectors for tests.
/// </summary>
/// <example>
/// <code>
/// var spans = new SpanCollector();
/// builder.Services.Configure&lt;SageTelemetryOptions&gt;(o => o.ConfigureTracing += t => t.AddProcessor(spans));
/// </code>
/// </example>
public sealed class SageTelemetryOptions
{
    /// <summary>Runs when the tracer provider is built; may add sources, processors and exporters.</summary>
    public Action<TracerProviderBuilder>? ConfigureTracing { get; set; }

    /// <summary>Runs when the meter provider is built; may add meters, views and readers.</summary>
    public Action<MeterProviderBuilder>? ConfigureMetrics { get; set; }

    /// <summary>Runs when the logger provider is built; may add log record processors.</summary>
    public Action<LoggerProviderBuilder>? ConfigureLogging { get; set; }

    /// <summary>Request paths whose server spans are not recorded (the health probes by default).</summary>
    public ISet<string> UntracedPaths { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds <paramref name="collector"/> to the traces, the simplest way for a test to see the spans.</summary>
    public SageTelemetryOptions AddSpanCollector(BaseProcessor<Activity> collector)
    {
        ArgumentNullException.ThrowIfNull(collector);
        ConfigureTracing += tracing => tracing.AddProcessor(collector);
        return this;
    }
}
