using System.CommandLine;
using System.Runtime.InteropServices;
using Sage.Launcher.Model;
using Sage.Launcher.Output;
using Sage.Launcher.Processes;

namespace Sage.Launcher.Commands;

/// <summary><c>sage run</c>: starts the services of a config, waits until they are healthy, and stops them on Ctrl+C.</summary>
internal static class RunCommand
{
    private static readonly Option<string> Config = new("--config", "-c") { Description = "Which services: standard | minimal | kv-only | vdb-only (default standard)." };
    private static readonly Option<string> KvBackend = new("--kv-backend") { Description = "KV storage: memory (default) | redis." };
    private static readonly Option<string> RedisUrl = new("--redis-url") { Description = "Redis for --kv-backend redis (redis://[:password@]host:port); without it a redis-server is started." };
    private static readonly Option<string> VdbBackend = new("--vdb-backend") { Description = "VDB storage: embedded (default) | qdrant." };
    private static readonly Option<string> QdrantUrl = new("--qdrant-url") { Description = "Qdrant REST URL for --vdb-backend qdrant (http://host:6333); VDB uses the gRPC port beside it (6334)." };
    private static readonly Option<string> QdrantApiKey = new("--qdrant-api-key") { Description = "Qdrant API key, sent as the api-key header." };
    private static readonly Option<string> PersistDir = new("--persist-dir") { Description = "Keep data here across runs: vectors/ for VDB, redis/ for a managed redis-server." };
    private static readonly Option<string> ConfigFile = new("--config-file") { Description = "SAGE's services_config.yaml; flags override what it says." };
    private static readonly Option<string> OtlpEndpoint = new("--otlp-endpoint") { Description = "Send traces, metrics and logs to this OTLP collector (e.g. http://localhost:4317)." };
    private static readonly Option<string> OtlpHeaders = new("--otlp-headers") { Description = "OTLP headers, e.g. x-otlp-api-key=KEY for a secured Aspire dashboard." };
    private static readonly Option<int?> PortBase = new("--port-base") { Description = "Memory listens here, KV on +1, VDB on +2 (default 8000)." };
    private static readonly Option<string> Embeddings = new("--embeddings") { Description = "How Memory embeds text: local (default: all-MiniLM-L6-v2 in-process, offline) | openai | none." };
    private static readonly Option<string> EmbeddingsUrl = new("--embeddings-url") { Description = "OpenAI-compatible base URL for --embeddings openai (e.g. http://localhost:11434/v1); the key is SAGE_EMBEDDINGS_KEY." };
    private static readonly Option<string> EmbeddingsModel = new("--embeddings-model") { Description = "The model for --embeddings openai, e.g. text-embedding-3-small." };
    private static readonly Option<bool> Restart = new("--restart") { Description = "Restart a service that dies (exponential backoff) instead of stopping everything." };
    private static readonly Option<int> HealthTimeout = new("--health-timeout")
    {
        Description = "Seconds each service may take to become healthy.",
        DefaultValueFactory = _ => 30,
    };

    public static Command Create()
    {
        var command = new Command("run", "Start the services (default when sage is run without a command).");
        foreach (var option in new Option[] { Config, KvBackend, RedisUrl, VdbBackend, QdrantUrl, QdrantApiKey, PersistDir, ConfigFile, OtlpEndpoint, OtlpHeaders, PortBase, Embeddings, EmbeddingsUrl, EmbeddingsModel, Restart, HealthTimeout })
            command.Options.Add(option);
        command.SetAction((result, cancellationToken) => ExecuteAsync(ToRequest(result), cancellationToken));
        return command;
    }

    /// <summary>What the command line asked for; options not given stay null so the config file can decide them.</summary>
    public static LaunchRequest ToRequest(ParseResult result) => new()
    {
        Config = result.GetValue(Config),
        KvBackend = result.GetValue(KvBackend),
        RedisUrl = result.GetValue(RedisUrl),
        VdbBackend = result.GetValue(VdbBackend),
        QdrantUrl = result.GetValue(QdrantUrl),
        QdrantApiKey = result.GetValue(QdrantApiKey) ?? Environment.GetEnvironmentVariable("SAGE_QDRANT_API_KEY"),
        PersistDir = result.GetValue(PersistDir),
        ConfigFile = result.GetValue(ConfigFile),
        OtlpEndpoint = result.GetValue(OtlpEndpoint),
        OtlpHeaders = result.GetValue(OtlpHeaders),
        PortBase = result.GetValue(PortBase),
        Embeddings = result.GetValue(Embeddings),
        EmbeddingsUrl = result.GetValue(EmbeddingsUrl),
        EmbeddingsModel = result.GetValue(EmbeddingsModel),
        Restart = result.GetValue(Restart),
        HealthTimeout = TimeSpan.FromSeconds(Math.Max(1, result.GetValue(HealthTimeout))),
    };

    /// <summary>Resolves the request into a plan (config file included).</summary>
    public static LaunchPlan Plan(LaunchRequest request, string workingDirectory)
    {
        var file = request.ConfigFile is null ? null : ServicesConfigFile.Load(Path.GetFullPath(request.ConfigFile, workingDirectory));
        return LaunchPlanBuilder.Build(request, file, PortAvailability.FindFree, workingDirectory);
    }

    private static async Task<int> ExecuteAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        var console = SageConsole.Create();
        var reporter = new ConsoleReporter(console);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => RequestStop(context, stopping, reporter));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => RequestStop(context, stopping, reporter));
        using var http = new HttpClient();
        try
        {
            var plan = Plan(request, Environment.CurrentDirectory);
            var runner = new LaunchRunner(plan, reporter, new ServiceLog(console), new HealthProbe(http));
            var exitCode = await runner.RunAsync(stopping.Token);
            reporter.Info(exitCode == 0 ? "stopped." : "stopped after a failure.");
            return exitCode;
        }
        catch (LaunchException ex)
        {
            reporter.Error(ex.Message);
            return 1;
        }
    }

    // The first signal stops everything in reverse order; the process itself must not die before its children.
    private static void RequestStop(PosixSignalContext context, CancellationTokenSource stopping, ConsoleReporter reporter)
    {
        context.Cancel = true;
        if (!stopping.IsCancellationRequested)
            reporter.Info($"{context.Signal} received: stopping the services.");
        stopping.Cancel();
    }
}
