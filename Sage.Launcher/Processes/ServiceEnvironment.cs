using Sage.Launcher.Model;

namespace Sage.Launcher.Processes;

/// <summary>
/// The environment of one service: exactly what Aspire 13.6 injects in run mode (docs/aspire-environment.md) for the
/// same model, plus the backend switches Sage.AppHost sets and <c>SAGE_PARENT_PID</c>.
/// </summary>
public static class ServiceEnvironment
{
    /// <summary>The launch profile every service has, which Aspire would pick (its first <c>Project</c> profile).</summary>
    public const string LaunchProfile = "http";

    /// <summary>The child's watchdog variable: the service stops when this process exits.</summary>
    public const string ParentPidVariable = "SAGE_PARENT_PID";

    /// <summary>Variables the launcher's own environment must not pass on (Aspire's DCP drops the same ones).</summary>
    public static readonly string[] NotInherited = ["ASPNETCORE_URLS", "DOTNET_LAUNCH_PROFILE", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"];

    /// <summary>Builds the environment of <paramref name="service"/>; pure, so a test can compare it with Aspire's table.</summary>
    public static IReadOnlyDictionary<string, string> Build(LaunchPlan plan, ServiceSpec service, int parentPid)
    {
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        AddProjectDefaults(env, plan, service);

        switch (service.Name)
        {
            case ServiceSpec.Kv:
                AddKvEngine(env, plan);
                break;
            case ServiceSpec.Vdb:
                AddVdbEngine(env, plan);
                break;
            case ServiceSpec.Memory when plan.Set == ServiceSet.Minimal:
                // SAGE's minimal config: Memory hosts both engines, so it gets what KV and VDB would have got.
                env["SAGE_MEMORY_MODE"] = "embedded";
                AddKvEngine(env, plan);
                AddVdbEngine(env, plan);
                plan.Embeddings?.AddTo(env);
                break;
            case ServiceSpec.Memory:
                plan.Embeddings?.AddTo(env);
                foreach (var dependency in service.Dependencies.Select(d => plan.Find(d)!))
                {
                    env[$"services__{dependency.Name}__http__0"] = dependency.Url;
                    env[$"{dependency.Name.ToUpperInvariant()}_HTTP"] = dependency.Url;
                }
                break;
        }

        env[ParentPidVariable] = parentPid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return env;
    }

    // ProjectResourceBuilderExtensions.WithProjectDefaults / SetAspNetCoreUrls, OtlpConfigurationExtensions.RegisterOtlpEnvironment
    // and ConsoleLogsConfigurationExtensions.ConfigureConsoleLogs, for an http-only launch profile in Development.
    private static void AddProjectDefaults(IDictionary<string, string> env, LaunchPlan plan, ServiceSpec service)
    {
        env["ASPNETCORE_URLS"] = service.ListenUrl;
        env["DOTNET_LAUNCH_PROFILE"] = LaunchProfile;
        env["ASPNETCORE_ENVIRONMENT"] = "Development"; // the http profile's environmentVariables

        if (plan.OtlpEndpoint is { } otlp)
        {
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
            env["OTEL_EXPORTER_OTLP_PROTOCOL"] = OtlpProtocol(otlp);
            // Aspire sends the dashboard's OTLP API key this way when the dashboard is secured.
            if (plan.OtlpHeaders is { } headers)
                env["OTEL_EXPORTER_OTLP_HEADERS"] = headers;
        }
        env["OTEL_SERVICE_NAME"] = service.Name;
        env["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={service.InstanceId}";

        env["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
        env["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
        env["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        env["OTEL_TRACES_SAMPLER"] = "always_on";
        env["OTEL_METRICS_EXEMPLAR_FILTER"] = "trace_based";
        env["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "true";
        env["OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION"] = "true";
        env["OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION"] = "true";

        env["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";

        env["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "true";
        env["LOGGING__CONSOLE__FORMATTERNAME"] = "simple";
    }

    // A managed redis-server is Sage.AppHost's Sage:Redis=process: its reference splats the connection string and
    // REDIS_* properties. --redis-url is Sage:Redis=existing (AddConnectionString): the connection string alone.
    private static void AddKvEngine(IDictionary<string, string> env, LaunchPlan plan)
    {
        env["SAGE_KV_BACKEND"] = plan.KvBackend;
        if (plan.KvDirectory is { } directory)
            env["SAGE_KV_PERSIST_DIR"] = directory;
        if (plan.Redis is not { } redis)
            return;
        env["ConnectionStrings__redis"] = redis.ConnectionString;
        if (!redis.IsManaged)
            return;
        env["REDIS_HOST"] = redis.Host;
        env["REDIS_PORT"] = redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (redis.Password is { } password)
            env["REDIS_PASSWORD"] = password;
        env["REDIS_URI"] = redis.Uri;
    }

    // Qdrant's WithReference sets both connection strings (gRPC and REST) and splats QdrantServerResource's properties.
    private static void AddVdbEngine(IDictionary<string, string> env, LaunchPlan plan)
    {
        env["SAGE_VDB_BACKEND"] = plan.VdbBackend;
        if (plan.Collection is { } collection)
            env["SAGE_VDB_COLLECTION"] = collection;
        if (plan.Qdrant is not { } qdrant)
        {
            if (plan.VectorDirectory is { } directory)
                env["SAGE_VDB_PERSIST_DIR"] = directory;
            return;
        }
        var key = qdrant.ApiKey is null ? "" : $";Key={qdrant.ApiKey}";
        env["ConnectionStrings__qdrant"] = $"Endpoint={qdrant.GrpcUri}{key}";
        env["ConnectionStrings__qdrant_http"] = $"Endpoint={qdrant.HttpUri}{key}";
        env["QDRANT_GRPCHOST"] = qdrant.Host;
        env["QDRANT_GRPCPORT"] = qdrant.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["QDRANT_HTTPHOST"] = qdrant.Host;
        env["QDRANT_HTTPPORT"] = qdrant.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (qdrant.ApiKey is { } apiKey)
            env["QDRANT_APIKEY"] = apiKey;
        env["QDRANT_URI"] = qdrant.GrpcUri;
        env["QDRANT_HTTPURI"] = qdrant.HttpUri;
    }

    // Aspire sends gRPC unless only the dashboard's HTTP OTLP URL is known; 4318 is OTLP/HTTP's well-known port.
    private static string OtlpProtocol(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Port == 4318 ? "http/protobuf" : "grpc";
}
