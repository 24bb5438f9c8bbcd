using System.Security.Cryptography;

namespace Sage.Launcher.Model;

/// <summary>Turns a <see cref="LaunchRequest"/> and an optional config file into a <see cref="LaunchPlan"/>: flag, then file, then default.</summary>
public static class LaunchPlanBuilder
{
    public const int DefaultPortBase = 8000;
    private const string DefaultHost = "localhost";
    private const string Letters = "abcdefghijklmnopqrstuvwxyz";
    private const string PasswordAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>
    /// Resolves every setting. <paramref name="freePort"/> picks the port of a managed redis-server;
    /// relative directories are resolved against <paramref name="workingDirectory"/>.
    /// </summary>
    public static LaunchPlan Build(LaunchRequest request, ServicesConfigFile? file, Func<int> freePort, string workingDirectory)
    {
        var set = ServiceSetNames.Parse(request.Config ?? "standard");
        var kvFile = file?.Services.KvService;
        var vdbFile = file?.Services.VdbService;
        var memoryFile = file?.Services.MemoryService;

        var dataDirectory = request.PersistDir ?? vdbFile?.PersistDirectory;
        dataDirectory = dataDirectory is null ? null : Path.GetFullPath(dataDirectory, workingDirectory);

        var redisUrl = request.RedisUrl ?? kvFile?.RedisUrl;
        var kvBackend = Choose("--kv-backend", request.KvBackend ?? kvFile?.BackendType ?? (redisUrl is null ? null : LaunchPlan.RedisBackend),
            LaunchPlan.MemoryBackend, LaunchPlan.MemoryBackend, LaunchPlan.RedisBackend);
        var qdrantUrl = request.QdrantUrl ?? vdbFile?.QdrantUrl;
        var vdbBackend = Choose("--vdb-backend", request.VdbBackend ?? vdbFile?.BackendType ?? (qdrantUrl is null ? null : LaunchPlan.QdrantBackend),
            LaunchPlan.EmbeddedBackend, LaunchPlan.EmbeddedBackend, LaunchPlan.QdrantBackend);

        var ports = Ports(request.PortBase, memoryFile?.Port, kvFile?.Port, vdbFile?.Port);
        var kv = new ServiceSpec(ServiceSpec.Kv, "Sage.Kv", kvFile?.Host ?? DefaultHost, ports.Kv, [], InstanceId());
        var vdb = new ServiceSpec(ServiceSpec.Vdb, "Sage.Vdb", vdbFile?.Host ?? DefaultHost, ports.Vdb, [], InstanceId());
        var memoryHost = memoryFile?.Host ?? DefaultHost;
        IReadOnlyList<ServiceSpec> services = set switch
        {
            ServiceSet.Standard => [kv, vdb, new ServiceSpec(ServiceSpec.Memory, "Sage.Memory", memoryHost, ports.Memory, MemoryDependencies(memoryFile?.Dependencies), InstanceId())],
            ServiceSet.Minimal => [new ServiceSpec(ServiceSpec.Memory, "Sage.Memory", memoryHost, ports.Memory, [], InstanceId())],
            ServiceSet.KvOnly => [kv],
            _ => [vdb],
        };
        // Memory's config-file dependencies may leave KV or VDB out; only what Memory needs then starts.
        if (set == ServiceSet.Standard)
        {
            var needed = services[^1].Dependencies;
            services = services.Where(s => s.Name == ServiceSpec.Memory || needed.Contains(s.Name)).ToList();
        }

        var plan = new LaunchPlan
        {
            Set = set,
            Services = LaunchPlan.StartOrder(services),
            KvBackend = kvBackend,
            VdbBackend = vdbBackend,
            DataDirectory = dataDirectory,
            Collection = vdbFile?.CollectionName,
            OtlpEndpoint = ValidateOtlp(request.OtlpEndpoint),
            OtlpHeaders = string.IsNullOrWhiteSpace(request.OtlpHeaders) ? null : request.OtlpHeaders.Trim(),
            Embeddings = EmbeddingsChoice.From(request),
            Restart = request.Restart,
            HealthTimeout = request.HealthTimeout,
        };
        return plan with
        {
            Redis = plan.HostsKvEngine && kvBackend == LaunchPlan.RedisBackend ? ResolveRedis(redisUrl, dataDirectory, freePort) : null,
            Qdrant = plan.HostsVdbEngine && vdbBackend == LaunchPlan.QdrantBackend ? ResolveQdrant(qdrantUrl, request.QdrantApiKey) : null,
        };
    }

    private static string Choose(string option, string? value, string fallback, params string[] allowed)
    {
        var chosen = (value ?? fallback).Trim().ToLowerInvariant();
        return allowed.Contains(chosen) ? chosen
            : throw new LaunchException($"{option} must be {string.Join(" or ", allowed)}, not '{value}'.");
    }

    private static (int Memory, int Kv, int Vdb) Ports(int? portBase, int? memory, int? kv, int? vdb)
    {
        var ports = portBase is { } b ? (b, b + 1, b + 2)
            : (memory ?? DefaultPortBase, kv ?? DefaultPortBase + 1, vdb ?? DefaultPortBase + 2);
        foreach (var port in new[] { ports.Item1, ports.Item2, ports.Item3 })
        {
            if (port is < 1 or > 65535)
                throw new LaunchException($"Port {port} is outside 1-65535{(portBase is null ? "" : " (--port-base + 0..2)")}.");
        }
        if (ports.Item1 == ports.Item2 || ports.Item1 == ports.Item3 || ports.Item2 == ports.Item3)
            throw new LaunchException($"Memory, KV and VDB need three different ports, not {ports.Item1}/{ports.Item2}/{ports.Item3}.");
        return ports;
    }

    private static List<string> MemoryDependencies(List<string>? names)
    {
        if (names is null)
            return [ServiceSpec.Kv, ServiceSpec.Vdb];
        return names.Select(n => n.Trim().ToLowerInvariant() switch
        {
            "kv_service" or "kv" => ServiceSpec.Kv,
            "vdb_service" or "vdb" => ServiceSpec.Vdb,
            _ => throw new LaunchException($"memory_service.dependencies: unknown service '{n}' (use kv_service, vdb_service)."),
        }).Distinct().ToList();
    }

    private static RedisEndpoint ResolveRedis(string? redisUrl, string? dataDirectory, Func<int> freePort)
    {
        if (redisUrl is not null)
            return RedisEndpoint.Parse(redisUrl);
        // Like Aspire's AddRedis: localhost, a port of its own and a generated 22-character password.
        var dataDir = dataDirectory is null
            ? Path.Combine(Path.GetTempPath(), $"sage-redis-{Environment.ProcessId}-{InstanceId()}")
            : Path.Combine(dataDirectory, "redis");
        return new RedisEndpoint("localhost", freePort(), RandomNumberGenerator.GetString(PasswordAlphabet, 22), Tls: false)
        {
            ManagedDataDirectory = dataDir,
            DeleteDataOnStop = dataDirectory is null,
        };
    }

    private static QdrantEndpoint ResolveQdrant(string? qdrantUrl, string? apiKey) => qdrantUrl is null
        ? throw new LaunchException("--vdb-backend qdrant needs --qdrant-url http://host:6333 (the launcher cannot start a Qdrant server).")
        : QdrantEndpoint.Parse(qdrantUrl, apiKey);

    private static string? ValidateOtlp(string? endpoint) =>
        endpoint is null || Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? endpoint
            : throw new LaunchException($"--otlp-endpoint '{endpoint}' is not an http(s):// URL.");

    private static string InstanceId() => RandomNumberGenerator.GetString(Letters, 8);
}
