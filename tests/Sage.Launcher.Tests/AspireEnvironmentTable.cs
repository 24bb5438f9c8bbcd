namespace Sage.Launcher.Tests;

/// <summary>
/// What Aspire 13.6 injects in run mode for SageAspire's model, transcribed from docs/aspire-environment.md: a value
/// of <c>null</c> is allocated at start (ports, secrets, instance ids) and is compared by <see cref="Patterns"/>.
/// </summary>
internal static class AspireEnvironmentTable
{
    /// <summary>"Every project": the rows for an http-only launch profile, AppHost in Development, no dashboard.</summary>
    public static Dictionary<string, string?> EveryProject(string resource, string url) => new()
    {
        ["ASPNETCORE_URLS"] = url,
        ["DOTNET_LAUNCH_PROFILE"] = "http",
        ["ASPNETCORE_ENVIRONMENT"] = "Development", // the http profile's environmentVariables
        ["OTEL_SERVICE_NAME"] = resource,
        ["OTEL_RESOURCE_ATTRIBUTES"] = null,
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        ["OTEL_TRACES_SAMPLER"] = "always_on",
        ["OTEL_METRICS_EXEMPLAR_FILTER"] = "trace_based",
        ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "true",
        ["OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION"] = "true",
        ["OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION"] = "true",
        ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory",
        ["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "true",
        ["LOGGING__CONSOLE__FORMATTERNAME"] = "simple",
    };

    /// <summary>"kv (references redis)" for a Redis at <paramref name="host"/>:<paramref name="port"/> with password <paramref name="password"/>, no TLS.</summary>
    public static Dictionary<string, string?> RedisReference(string host, int port, string password) => new()
    {
        ["ConnectionStrings__redis"] = $"{host}:{port},password={password}",
        ["REDIS_HOST"] = host,
        ["REDIS_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["REDIS_PASSWORD"] = password,
        ["REDIS_URI"] = $"redis://:{password}@{host}:{port}",
    };

    /// <summary>"vdb (references qdrant)" for REST port <paramref name="httpPort"/> and gRPC port <paramref name="grpcPort"/>.</summary>
    public static Dictionary<string, string?> QdrantReference(string host, int httpPort, int grpcPort, string key) => new()
    {
        ["ConnectionStrings__qdrant"] = $"Endpoint=http://{host}:{grpcPort};Key={key}",
        ["ConnectionStrings__qdrant_http"] = $"Endpoint=http://{host}:{httpPort};Key={key}",
        ["QDRANT_GRPCHOST"] = host,
        ["QDRANT_GRPCPORT"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["QDRANT_HTTPHOST"] = host,
        ["QDRANT_HTTPPORT"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["QDRANT_APIKEY"] = key,
        ["QDRANT_URI"] = $"http://{host}:{grpcPort}",
        ["QDRANT_HTTPURI"] = $"http://{host}:{httpPort}",
    };

    /// <summary>"memory (references kv and vdb)".</summary>
    public static Dictionary<string, string?> ProjectReference(string resource, string url) => new()
    {
        [$"services__{resource}__http__0"] = url,
        [$"{resource.ToUpperInvariant()}_HTTP"] = url,
    };

    /// <summary>Formats of the values Aspire allocates at start.</summary>
    public static readonly Dictionary<string, string> Patterns = new()
    {
        ["OTEL_RESOURCE_ATTRIBUTES"] = "^service\\.instance\\.id=[a-z]{8}$",
    };

    public static Dictionary<string, string?> Merge(params Dictionary<string, string?>[] tables)
    {
        var merged = new Dictionary<string, string?>();
        foreach (var table in tables)
        {
            foreach (var (key, value) in table)
                merged.Add(key, value);
        }
        return merged;
    }
}
