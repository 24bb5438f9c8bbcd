using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Sage.ServiceDefaults.Telemetry.Prometheus;

/// <summary>Serves <c>/metrics</c> from the pull exporter the meter provider was built with.</summary>
internal sealed class PrometheusMetricsEndpoint
{
    /// <summary>The content type of the Prometheus text exposition format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public PrometheusScrapeExporter Exporter { get; } = new();

    public async Task HandleAsync(HttpContext context)
    {
        // Resolving builds the provider if the hosted service has not yet, which attaches the exporter.
        context.RequestServices.GetService<MeterProvider>();
        var text = Exporter.Scrape();
        if (text is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ContentType;
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), context.RequestAborted);
    }
}
