namespace Sage.AppHost;

/// <summary>
/// Keeps the AppHost's own store settings away from the services. DCP starts every service with the AppHost's
/// environment, so a <c>ConnectionStrings__redis</c> exported in the shell would reach vdb and memory too.
/// Once the AppHost's configuration has read them, they leave the process environment; a service then sees
/// a connection string only through a reference.
/// </summary>
internal static class AmbientConnectionStrings
{
    // SAGE's seed aliases point services at stores (and Memory at an embeddings endpoint, with its key) just as connection strings do.
    private static readonly string[] StoreAliases =
    [
        "SAGE_REDIS_URL", "REDIS_URI", "SAGE_QDRANT_URL", "SAGE_QDRANT_API_KEY", "SAGE_KV_BACKEND", "SAGE_VDB_BACKEND",
        "SAGE_EMBEDDINGS_PROVIDER", "SAGE_EMBEDDINGS_ENDPOINT", "SAGE_EMBEDDINGS_KEY", "SAGE_EMBEDDINGS_MODEL", "SAGE_EMBEDDINGS_DIMENSIONS",
    ];

    /// <summary>Removes <c>ConnectionStrings__*</c> and SAGE's store aliases from this process's environment.</summary>
    /// <returns>The names removed.</returns>
    public static IReadOnlyList<string> RemoveFromEnvironment()
    {
        var removed = new List<string>();
        foreach (var name in Environment.GetEnvironmentVariables().Keys.OfType<string>())
        {
            if (name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                || StoreAliases.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                Environment.SetEnvironmentVariable(name, null);
                removed.Add(name);
            }
        }

        return removed;
    }
}
