using Microsoft.Extensions.Options;
using Sage.Storage.Hosting;
using Sage.Storage.Kv;

namespace Sage.Kv.Extensions;

internal static class Extensions
{
    public const string RedisConnectionName = "redis";

    /// <summary>Chooses and registers the KV backend, its health check and the storage error mapping.</summary>
    public static IHostApplicationBuilder AddKvStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KvOptions>()
            .BindConfiguration(KvOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddStorageProblemDetails();

        var backend = ResolveBackend(builder.Configuration);
        if (backend == "redis")
        {
            var connectionString = builder.Configuration.GetConnectionString(RedisConnectionName)!;
            var prefix = builder.Configuration[$"{KvOptions.SectionName}:{nameof(KvOptions.RedisKeyPrefix)}"] ?? new KvOptions().RedisKeyPrefix;
            builder.Services.AddRedisKvStore(connectionString, prefix);
        }
        else
        {
            builder.Services.AddOptions<InMemoryKvStoreOptions>()
                .BindConfiguration(InMemoryKvStoreOptions.SectionName)
                .ValidateDataAnnotations()
                .ValidateOnStart();
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddSingleton<IKvStore>(sp => new InMemoryKvStore(sp.GetRequiredService<IOptions<InMemoryKvStoreOptions>>(), sp.GetRequiredService<TimeProvider>()));
        }

        builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            "kv-backend",
            sp => { var store = sp.GetRequiredService<IKvStore>(); return new StoreHealthCheck(store.Backend, store.PingAsync); },
            failureStatus: null,
            tags: ["ready"]));
        builder.Services.AddHostedService<KvStartupLog>();
        return builder;
    }

    /// <summary>The backend named by configuration, or the one the connection strings imply; a bad value stops the service.</summary>
    internal static string ResolveBackend(IConfiguration configuration)
    {
        var configured = configuration[$"{KvOptions.SectionName}:{nameof(KvOptions.Backend)}"]?.Trim().ToLowerInvariant();
        var hasRedis = !string.IsNullOrWhiteSpace(configuration.GetConnectionString(RedisConnectionName));
        return configured switch
        {
            null or "" => hasRedis ? "redis" : "memory",
            "memory" => "memory",
            "redis" when hasRedis => "redis",
            "redis" => throw new OptionsValidationException(KvOptions.SectionName, typeof(KvOptions),
                ["Sage:Kv:Backend (SAGE_KV_BACKEND) is 'redis' but no Redis connection string is configured: set ConnectionStrings__redis, REDIS_URI or SAGE_REDIS_URL."]),
            _ => throw new OptionsValidationException(KvOptions.SectionName, typeof(KvOptions),
                [$"Sage:Kv:Backend (SAGE_KV_BACKEND) must be 'memory' or 'redis', not '{configured}'."]),
        };
    }

    // One line at start saying where the data lives, so nobody mistakes the in-process store for a durable one.
    private sealed class KvStartupLog(IKvStore store, ILogger<KvStartupLog> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (store.Backend == "memory")
                logger.LogInformation("KV backend: memory (in-process; data is lost when the service stops)");
            else
                logger.LogInformation("KV backend: {Backend}", store.Backend);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
