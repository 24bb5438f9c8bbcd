using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;

namespace Sage.ServiceDefaults.Telemetry;

/// <summary>
/// How SageAspire names its own telemetry: every <see cref="ActivitySource"/> and <see cref="Meter"/> is
/// <c>Sage.&lt;Area&gt;</c> (for example <c>Sage.Kv</c>, <c>Sage.Memory.Search</c>), so one wildcard collects them all.
/// </summary>
public static class SageTelemetry
{
    /// <summary>The prefix of every SageAspire source and meter name.</summary>
    public const string Prefix = "Sage";

    /// <summary>The wildcard that subscribes to every SageAspire source and meter.</summary>
    public const string Wildcard = Prefix + ".*";

    /// <summary>
    /// True when traces leave the process (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, as the AppHost and the launcher do for the
    /// dashboard). Costly per-call instrumentation, such as Redis command spans, is switched on only then.
    /// </summary>
    public static bool ExportsTraces(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
    }

    /// <summary>The activity source name for <paramref name="area"/>, e.g. <c>"Kv"</c> → <c>Sage.Kv</c>.</summary>
    public static string ActivitySourceName(string area) => Qualify(area);

    /// <summary>The meter name for <paramref name="area"/>, e.g. <c>"Kv"</c> → <c>Sage.Kv</c>.</summary>
    public static string MeterName(string area) => Qualify(area);

    /// <summary>Creates the activity source of <paramref name="area"/>; keep it in a static field, one per area.</summary>
    public static ActivitySource CreateActivitySource(string area) =>
        new(ActivitySourceName(area), typeof(SageTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Creates the meter of <paramref name="area"/> through the host's factory, so its lifetime follows the host.</summary>
    public static Meter CreateMeter(this IMeterFactory factory, string area)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.Create(MeterName(area));
    }

    private static string Qualify(string area)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(area);
        return area.StartsWith(Prefix + ".", StringComparison.Ordinal) ? area : $"{Prefix}.{area}";
    }
}
