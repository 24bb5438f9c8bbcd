namespace Sage.Launcher.Model;

/// <summary>
/// Everything <c>sage run</c> will start, fully resolved before anything starts: services in start order, their
/// ports, the backends and where their data lives.
/// </summary>
public sealed record LaunchPlan
{
    public const string MemoryBackend = "memory";
    public const string RedisBackend = "redis";
    public const string EmbeddedBackend = "embedded";
    public const string QdrantBackend = "qdrant";

    public required ServiceSet Set { get; init; }

    /// <summary>The services, dependencies first.</summary>
    public required IReadOnlyList<ServiceSpec> Services { get; init; }

    /// <summary><c>memory</c> or <c>redis</c>.</summary>
    public required string KvBackend { get; init; }

    /// <summary>Set when <see cref="KvBackend"/> is <c>redis</c> and a service in the plan hosts the KV engine.</summary>
    public RedisEndpoint? Redis { get; init; }

    /// <summary><c>embedded</c> or <c>qdrant</c>.</summary>
    public required string VdbBackend { get; init; }

    /// <summary>Set when <see cref="VdbBackend"/> is <c>qdrant</c> and a service in the plan hosts the VDB engine.</summary>
    public QdrantEndpoint? Qdrant { get; init; }

    /// <summary>Root of the data the launcher keeps (<c>--persist-dir</c>); null keeps nothing across runs.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Where the embedded vector engine persists: <c>&lt;data&gt;/vectors</c>, or null for VDB's default.</summary>
    public string? VectorDirectory => DataDirectory is null ? null : Path.Combine(DataDirectory, "vectors");

    /// <summary>Where the in-memory KV store journals its writes: <c>&lt;data&gt;/kv</c> when KV is in memory and data is kept, else null.</summary>
    public string? KvDirectory => DataDirectory is null || KvBackend != MemoryBackend ? null : Path.Combine(DataDirectory, "kv");

    /// <summary>VDB collection name (<c>collection_name</c>), or null for the service's default.</summary>
    public string? Collection { get; init; }

    /// <summary>OTLP collector the services export to; null exports nothing.</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary><c>OTEL_EXPORTER_OTLP_HEADERS</c> for the collector (e.g. a dashboard's <c>x-otlp-api-key=…</c>); only with an endpoint.</summary>
    public string? OtlpHeaders { get; init; }

    /// <summary>How Memory embeds text (<c>--embeddings*</c>); null leaves Memory's default, the local model.</summary>
    public EmbeddingsChoice? Embeddings { get; init; }

    /// <summary>Restart a service that dies instead of stopping everything.</summary>
    public bool Restart { get; init; }

    /// <summary>How long each service may take to answer <c>/health</c>.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>True when the plan has a service that hosts the KV engine (KV itself, or Memory in minimal mode).</summary>
    public bool HostsKvEngine => Set is ServiceSet.Standard or ServiceSet.KvOnly or ServiceSet.Minimal;

    /// <summary>True when the plan has a service that hosts the VDB engine.</summary>
    public bool HostsVdbEngine => Set is ServiceSet.Standard or ServiceSet.VdbOnly or ServiceSet.Minimal;

    /// <summary>The service named <paramref name="name"/>, or null when the plan does not start it.</summary>
    public ServiceSpec? Find(string name) => Services.FirstOrDefault(s => s.Name == name);

    /// <summary>
    /// Orders <paramref name="services"/> so each comes after everything it depends on (stable otherwise);
    /// an unknown dependency or a cycle is a <see cref="LaunchException"/>.
    /// </summary>
    public static IReadOnlyList<ServiceSpec> StartOrder(IEnumerable<ServiceSpec> services)
    {
        var pending = services.ToList();
        var names = pending.Select(s => s.Name).ToHashSet();
        foreach (var service in pending)
        {
            var unknown = service.Dependencies.FirstOrDefault(d => !names.Contains(d));
            if (unknown is not null)
                throw new LaunchException($"Service '{service.Name}' depends on '{unknown}', which this config does not start.");
        }

        var ordered = new List<ServiceSpec>();
        var started = new HashSet<string>();
        while (pending.Count > 0)
        {
            var next = pending.FirstOrDefault(s => s.Dependencies.All(started.Contains))
                ?? throw new LaunchException($"Services {string.Join(", ", pending.Select(s => s.Name))} depend on each other in a cycle.");
            ordered.Add(next);
            started.Add(next.Name);
            pending.Remove(next);
        }
        return ordered;
    }
}
