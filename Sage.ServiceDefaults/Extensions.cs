using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sage.ServiceDefaults.Configuration;
using Sage.ServiceDefaults.Health;
using Sage.ServiceDefaults.Hosting;
using Sage.ServiceDefaults.Http;
using Sage.ServiceDefaults.Resilience;
using Sage.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every SageAspire service starts with, in the shape of Aspire's service-defaults template:
/// configuration aliases, OpenTelemetry, health, service discovery, resilience and the HTTP conventions.
/// </summary>
public static class SageServiceDefaultsExtensions
{
    /// <summary>Adds telemetry, health checks, service discovery, resilient HttpClients and the HTTP conventions.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddSageConfigurationAliases();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.TryAddSingleton<OutgoingCallLogger>();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddSageResilienceHandler();
            http.AddServiceDiscovery();
            // One line per call instead of four (issue 10): the factory's own loggers out, ours in.
            http.RemoveAllLoggers().AddLogger<OutgoingCallLogger>();
        });
        builder.AddHttpConventions();
        builder.Services.AddHostedService<ParentProcessWatcher>();
        return builder;
    }

    /// <summary>
    /// Logs, metrics and traces through OpenTelemetry.Extensions.Hosting: ASP.NET Core (health probes left out of
    /// traces), HttpClient and runtime instrumentation, every <c>Sage.*</c> source and meter, a Prometheus reader for
    /// <c>/metrics</c>, and OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. The SDK reads the other
    /// <c>OTEL_*</c> settings (protocol, headers, service name, sampler, intervals) from the host's configuration.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            // The env detector comes last so OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES override the application name.
            .ConfigureResource(resource => resource.Clear().AddService(builder.Environment.ApplicationName).AddTelemetrySdk().AddEnvironmentVariableDetector())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(SageTelemetry.Wildcard)
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(SageTelemetry.Wildcard)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !HealthEndpoints.IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation(http => http.EnrichWithHttpResponseMessage = ExpectedNotFound.Enrich));

        if (SageTelemetry.ExportsTraces(builder.Configuration))
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        return builder;
    }

    /// <summary>The liveness check every service has: the process answers.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [HealthEndpoints.LiveTag]);
        return builder;
    }

    /// <summary>
    /// The request pipeline's conventions, first in it: every error becomes a problem response, then the API key is checked.
    /// Call it right after <c>Build()</c>.
    /// </summary>
    public static WebApplication UseSageHttpConventions(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Maps <c>/health</c>, <c>/alive</c>, <c>/metrics</c> and <c>/openapi/v1.json</c> — in every environment, since container probes need them.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapPrometheusScrapingEndpoint().ExcludeFromDescription();
        app.MapOpenApi();
        return app;
    }
}
