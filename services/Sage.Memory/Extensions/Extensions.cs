using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sage.Client;
using Sage.Memory.Embeddings;
using Sage.Memory.Memories;
using Sage.Storage;
using Sage.Storage.Hosting;
using Sage.Storage.Kv;
using Sage.Storage.Vectors.Embedded;

namespace Sage.Memory.Extensions;

internal static class Extensions
{
    /// <summary>
    /// Registers the memory orchestration over KV and VDB in the composition configuration asks for: <c>standard</c> (both over
    /// HTTP, found by service discovery; a missing endpoint stops the start) or <c>embedded</c> (both engines in-process).
    /// </summary>
    public static IHostApplicationBuilder AddMemoryStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MemoryOptions>()
            .BindConfiguration(MemoryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddStorageProblemDetails();
        builder.Services.TryAddSingleton(TimeProvider.System);

        var memory = builder.Configuration.GetSection(MemoryOptions.SectionName).Get<MemoryOptions>() ?? new MemoryOptions();
        if (memory.IsEmbedded)
            builder.AddEmbeddedStores();
        else
            builder.AddRemoteStores();

        builder.Services.AddSingleton<MemoryMetrics>();
        builder.Services.AddSingleton<MemoryCleanupQueue>();
        builder.Services.AddSingleton<MemoryKeyLocks>();
        builder.AddMemoryEmbeddings();
        builder.Services.AddSingleton<MemoryStore>();
        builder.Services.AddHostedService<MemoryJanitor>();
        builder.Services.AddSingleton<MemoryReconciler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MemoryReconciler>());
        builder.Services.AddSingleton<DependencyProbe>();

        // Degraded, not Unhealthy: Memory itself keeps answering (and says what is down) while a dependency is away.
        builder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration("kv", sp => StoreCheck(sp, "kv"), HealthStatus.Degraded, ["ready"]))
            .Add(new HealthCheckRegistration("vdb", sp => StoreCheck(sp, "vdb"), HealthStatus.Degraded, ["ready"]));
        builder.Services.AddHostedService<MemoryStartupLog>();
        return builder;
    }

    private static IHostApplicationBuilder AddEmbeddedStores(this IHostApplicationBuilder builder)
    {
        builder.Services.AddInMemoryKvStore();
        var persistDirectory = builder.Configuration["Sage:Vdb:PersistDirectory"];
        builder.Services.AddEmbeddedVectorStore(o => o.PersistDirectory = string.IsNullOrWhiteSpace(persistDirectory) ? null : persistDirectory);
        return builder;
    }

    private static DependencyHealthCheck StoreCheck(IServiceProvider services, string name)
    {
        var probe = services.GetRequiredService<DependencyProbe>();
        return new DependencyHealthCheck(probe.BackendOf(name), ct => probe.PingAsync(name, ct));
    }

    // A dependency refusing our credentials will not come back by waiting: a deployment fault, so Unhealthy, not Degraded.
    private sealed class DependencyHealthCheck(string backend, Func<CancellationToken, ValueTask<TimeSpan>> ping) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            StorageException? refused = null;
            var result = await new StoreHealthCheck(backend, async ct =>
            {
                try
                {
                    return await ping(ct);
                }
                catch (StorageException e) when (e.InnerException is SageApiException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden })
                {
                    refused = e;
                    throw;
                }
            }).CheckHealthAsync(context, cancellationToken);
            return refused is null ? result : new HealthCheckResult(HealthStatus.Unhealthy, result.Description, refused, result.Data);
        }
    }

    // One line at start saying how Memory is composed, so an in-process, in-memory run is never mistaken for a durable one.
    private sealed class MemoryStartupLog(IOptions<MemoryOptions> options, DependencyProbe probe, IKvStore kv, IConfiguration configuration, ILogger<MemoryStartupLog> logger)
        : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var settings = options.Value;
            if (settings.IsEmbedded)
            {
                var records = kv is InMemoryKvStore { DatabasePath: { } path } ? $"records journalled to {path}" : "records IN-MEMORY ONLY";
                var vectors = configuration["Sage:Vdb:PersistDirectory"] is { Length: > 0 } dir ? $"vectors persisted to {Path.GetFullPath(dir)}" : "vectors IN-MEMORY ONLY";
                logger.LogInformation("Memory mode: embedded (KV and VDB in-process; {Records}; {Vectors}); collection '{Collection}'", records, vectors, settings.Collection);
            }
            else
            {
                logger.LogInformation("Memory mode: standard (KV at {Kv}, VDB at {Vdb}); collection '{Collection}'",
                    await probe.LocationOfAsync("kv", cancellationToken), await probe.LocationOfAsync("vdb", cancellationToken), settings.Collection);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
