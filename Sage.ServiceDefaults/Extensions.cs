using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sage.ServiceDefaults.Configuration;
using Sage.ServiceDefaults.Discovery;
using Sage.ServiceDefaults.Health;
using Sage.ServiceDefaults.Http;
using Sage.ServiceDefaults.Resilience;
using Sage.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every SageAspire service starts with, in the shape of Aspire's service-defaults template:
/// configuration aliases, telemetry, health, service discovery, resilience and the HTTP conventions.
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
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        builder.AddHttpConventions();
        builder.Services.AddHostedService<Sage.ServiceDefaults.Hosting.ParentProcessWatcher>();
        return builder;
    }

    /// <summary>The liveness check every service has: the process answers.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [HealthEndpoints.LiveTag]);
        return builder;
    }

    /// <summary>Maps <c>/health</c>, <c>/alive</c>, <c>/metrics</c> and <c>/openapi/v1.json</c> — in every environment, since container probes need them.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapPrometheusMetrics();
        app.MapOpenApi();
        return app;
    }
}
