using Microsoft.AspNetCore.Http.HttpResults;
using Sage.Client.Memory;
using Sage.Memory.Extensions;
using Sage.Memory.Memories;

namespace Sage.Memory.Apis;

/// <summary><c>/dependencies</c>: where KV and VDB are, whether they answer, how fast, and on which backend; and what the reconciler fixed.</summary>
public static class DependenciesApi
{
    public static IEndpointRouteBuilder MapDependenciesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dependencies", GetAsync).WithTags("Health").WithSummary("The mode, KV's and VDB's location, status, latency and backend, and the reconciler's last run and totals.");
        return app;
    }

    public static async Task<Ok<DependenciesResponse>> GetAsync(DependencyProbe probe, MemoryReconciler reconciler, CancellationToken cancellationToken) =>
        TypedResults.Ok(await probe.ProbeAllAsync(cancellationToken) with { Reconciler = reconciler.Status });
}
