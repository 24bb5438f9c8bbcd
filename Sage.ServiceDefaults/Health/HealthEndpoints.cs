using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sage.ServiceDefaults.Health;

/// <summary><c>/health</c> (every check, JSON body) and <c>/alive</c> (liveness only).</summary>
public static class HealthEndpoints
{
    /// <summary>Readiness: every registered check.</summary>
    public const string HealthPath = "/health";

    /// <summary>Liveness: only checks tagged <see cref="LiveTag"/>.</summary>
    public const string AlivePath = "/alive";

    /// <summary>Tag of the checks that say the process is alive, regardless of its dependencies.</summary>
    public const string LiveTag = "live";

    /// <summary>Maps both probes. <c>/health</c> answers 200 when healthy or degraded and 503 when unhealthy.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Container probes carry no credentials.
        endpoints.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = WriteReportAsync }).AllowAnonymous();
        endpoints.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = WriteReportAsync,
        }).AllowAnonymous();
        return endpoints;
    }

    /// <summary>Whether <paramref name="path"/> is one of the probes (kept out of traces).</summary>
    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments(HealthPath, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(AlivePath, StringComparison.OrdinalIgnoreCase);

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    // snake_case JSON naming each check, so `sage status` and operators can see which dependency is down.
    private static async Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("status", report.Status.ToString());
        writer.WriteNumber("duration_ms", Math.Round(report.TotalDuration.TotalMilliseconds, 2));
        writer.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", entry.Status.ToString());
            writer.WriteNumber("duration_ms", Math.Round(entry.Duration.TotalMilliseconds, 2));
            if (entry.Description is { } description)
                writer.WriteString("description", description);
            if (entry.Exception is { } exception && entry.Description is null)
                writer.WriteString("description", exception.Message);
            if (entry.Data.Count > 0)
            {
                writer.WriteStartObject("data");
                foreach (var (key, value) in entry.Data)
                    writer.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
