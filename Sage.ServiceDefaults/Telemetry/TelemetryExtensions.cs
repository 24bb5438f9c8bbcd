using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sage.ServiceDefaults.Health;
using Sage.ServiceDefaults.Telemetry.Prometheus;

namespace Sage.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and logs over the OpenTelemetry SDK, in the shape of Aspire's service defaults but without
/// OpenTelemetry.Extensions.Hosting: the SDK's providers are DI singletons, built and flushed by a hosted service.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Path of the Prometheus scrape endpoint.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The activity sources traced: ASP.NET Core and HttpClient (native since .NET 9) and every <c>Sage.*</c> source.</summary>
    public static IReadOnlyList<string> TracedSources { get; } = ["Microsoft.AspNetCore", "System.Net.Http", SageTelemetry.Wildcard];

    /// <summary>The meters collected: the framework's built-in meters and every <c>Sage.*</c> meter.</summary>
    public static IReadOnlyList<string> CollectedMeters { get; } =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "System.Net.Http",
        "System.Net.NameResolution",
        "System.Runtime",
        SageTelemetry.Wildcard,
    ];

    /// <summary>
    /// Adds tracing, metrics (with a Prometheus pull reader for <c>/metrics</c>) and logging (formatted messages and
    /// scopes). The resource is the application name unless <c>OTEL_SERVICE_NAME</c> / <c>OTEL_RESOURCE_ATTRIBUTES</c>
    /// say otherwise. OTLP export is added exactly when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured, using
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>, <c>OTEL_BSP_SCHEDULE_DELAY</c> and
    /// <c>OTEL_METRIC_EXPORT_INTERVAL</c>; the SDK itself reads <c>OTEL_TRACES_SAMPLER</c>(<c>_ARG</c>) from the host's configuration.
    /// Extend it through <see cref="SageTelemetryOptions"/>.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        var otlp = OtlpExportSettings.From(builder.Configuration);
        var applicationName = builder.Environment.ApplicationName;

        services.AddOptions<SageTelemetryOptions>().Configure(options =>
        {
            options.UntracedPaths.Add(HealthEndpoints.HealthPath);
            options.UntracedPaths.Add(HealthEndpoints.AlivePath);
        });
        services.AddHttpContextAccessor();
        services.TryAddSingleton<PrometheusMetricsEndpoint>();
        AddTelemetryHostedService(services);

        var telemetry = new SageOpenTelemetryBuilder(services);
        // The env detector comes last so OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES override the application name.
        telemetry.ConfigureResource(resource => resource.Clear().AddService(applicationName).AddTelemetrySdk().AddEnvironmentVariableDetector());

        telemetry.WithTracing(tracing =>
        {
            tracing.AddSource([.. TracedSources]);
            tracing.AddProcessor<HealthProbeTraceFilter>();
            if (otlp is not null)
                tracing.AddOtlpExporter(exporter => otlp.ApplyTo(exporter, "traces"));
        });
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter([.. CollectedMeters]);
            metrics.AddReader(sp => new BaseExportingMetricReader(sp.GetRequiredService<PrometheusMetricsEndpoint>().Exporter));
            if (otlp is not null)
            {
                metrics.AddOtlpExporter((exporter, reader) =>
                {
                    otlp.ApplyTo(exporter, "metrics");
                    if (otlp.MetricIntervalMs is { } interval)
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
                });
            }
        });
        telemetry.WithLogging(
            logging =>
            {
                if (otlp is not null)
                    logging.AddOtlpExporter(exporter => otlp.ApplyTo(exporter, "logs"));
            },
            options =>
            {
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = true;
            });

        // Hooks registered after AddServiceDefaults (collectors in tests, extra sources) run when the providers are built.
        services.ConfigureOpenTelemetryTracerProvider((sp, tracing) => Options(sp).ConfigureTracing?.Invoke(tracing));
        services.ConfigureOpenTelemetryMeterProvider((sp, metrics) => Options(sp).ConfigureMetrics?.Invoke(metrics));
        services.ConfigureOpenTelemetryLoggerProvider((sp, logging) => Options(sp).ConfigureLogging?.Invoke(logging));
        return builder;
    }

    /// <summary>Maps <see cref="MetricsPath"/>: every collected meter in Prometheus text format 0.0.4.</summary>
    public static IEndpointRouteBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints)
    {
        var endpoint = endpoints.ServiceProvider.GetService<PrometheusMetricsEndpoint>()
            ?? throw new InvalidOperationException($"Call {nameof(ConfigureOpenTelemetry)}() (or AddServiceDefaults()) before {nameof(MapPrometheusMetrics)}().");
        endpoints.MapGet(MetricsPath, endpoint.HandleAsync).ExcludeFromDescription();
        return endpoints;
    }

    private static SageTelemetryOptions Options(IServiceProvider services) =>
        services.GetRequiredService<IOptions<SageTelemetryOptions>>().Value;

    // First in the list, so the providers listen before the web server starts taking requests.
    private static void AddTelemetryHostedService(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(TelemetryHostedService)))
            return;
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, TelemetryHostedService>());
    }
}
