using Microsoft.AspNetCore.Http.HttpResults;
using Sage.Client.Memory;
using Sage.Memory.Extensions;

namespace Sage.Memory.Apis;

/// <summary><c>/dependencies</c>: where KV and VDB are, whether they answer, how fast, and on which backend.</summary>
public static class DependenciesApi
{
    public static IEndpointRouteBuilder MapDependenciesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dependencies", GetAsync).WithTags("Health").WithSummary("The mode, and KV's and VDB's location, status, latency and backend.");
        return app;
    }

    public static async Task<Ok<DependenciesResponse>> GetAsync(DependencyProbe probe, CancellationToken cancellationToken) =>
        TypedResults.Ok(await probe.ProbeAllAsync(cancellationToken));
}
