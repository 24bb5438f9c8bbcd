namespace Sage.Testing.Sweep;

/// <summary>
/// One valid request to a route, the starting point of that route's hostile variants. <see cref="Pattern"/> is the route
/// as the app maps it (<c>/kv/{key}</c>); its parameters are filled in by the sweep. <see cref="Query"/> and <see cref="Body"/>
/// should name only scratch names (<see cref="SweepNames"/>), so the valid variants write where no seeded data lives.
/// </summary>
/// <param name="ScopedQuery">
/// Query parameters that select many records at once (a delete pattern): every generated value keeps the scratch prefix,
/// so a request that succeeds can never reach the seeded data.
/// </param>
public sealed record RouteSample(string Method, string Pattern, string? Query = null, string? Body = null, params string[] ScopedQuery)
{
    public string Route => $"{Method} {Pattern}";
}

/// <summary>
/// The two name spaces of a sweep. Generated requests name only scratch names and strings that cannot contain
/// <see cref="SeedMarker"/>; the seeded data a sweep checks at the end lives under names that contain it.
/// </summary>
public static class SweepNames
{
    public const string SeedMarker = "seed";

    public const string ScratchPrefix = "sweep";

    /// <summary>Valid as a KV key, a Memory key or session, a VDB point id and a VDB collection name.</summary>
    public static readonly string[] Scratch = ["sweep-1", "sweep-2", "sweep_3"];
}

/// <summary>The routes Sage.ServiceDefaults maps in every service.</summary>
public static class ServiceDefaultsRoutes
{
    public static readonly RouteSample[] Samples =
    [
        new("GET", "/health"),
        new("GET", "/alive"),
        new("GET", "/metrics"),
        new("GET", "/openapi/{documentName}.json"),
    ];
}
