using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Sage.ServiceDefaults.Http;

/// <summary>Adds what an operator needs to find a failed request in the traces: the trace id and the request path.</summary>
internal static class ProblemDetailsEnricher
{
    public static void Enrich(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Instance ??= context.HttpContext.Request.Path;
        var traceId = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        problem.Extensions.TryAdd("trace_id", traceId);
        if (problem.Status == StatusCodes.Status404NotFound && problem.Title is null or "Not Found" && context.Exception is null)
            problem.Detail ??= $"No route matches {context.HttpContext.Request.Method} {context.HttpContext.Request.Path}.";
    }
}
