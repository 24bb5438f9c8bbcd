using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpenTelemetry;

namespace Sage.ServiceDefaults.Telemetry;

/// <summary>
/// Keeps the health probes out of the traces: a probe's server span is un-recorded as it starts, so no exporter
/// sees it and the calls it makes (parent-based sampling) are not recorded either.
/// </summary>
internal sealed class HealthProbeTraceFilter(IHttpContextAccessor httpContext, IOptions<SageTelemetryOptions> options) : BaseProcessor<Activity>
{
    /// <summary>The activity source ASP.NET Core starts its server spans from.</summary>
    public const string AspNetCoreSource = "Microsoft.AspNetCore";

    private readonly ISet<string> _untracedPaths = options.Value.UntracedPaths;

    public override void OnStart(Activity data)
    {
        if (data.Kind != ActivityKind.Server || data.Source.Name != AspNetCoreSource || _untracedPaths.Count == 0)
            return;
        // The context exists before hosting starts the request's activity, so the path is known here.
        var path = httpContext.HttpContext?.Request.Path.Value ?? data.GetTagItem("url.path") as string;
        if (path is null || !_untracedPaths.Contains(path.TrimEnd('/').Length == 0 ? path : path.TrimEnd('/')))
            return;
        data.IsAllDataRequested = false;
        data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
    }
}
