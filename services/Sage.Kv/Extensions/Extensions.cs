using Microsoft.Extensions.Options;
using Sage.ServiceDefaults.Telemetry;
using Sage.Storage.Hosting;
using Sage.Storage.Kv;
using StackExchange.Redis;

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
            builder.AddRedisKv();
        }
        else
        {
            builder.Services.AddInMemoryKvStore();
        }

        builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            "kv-backend",
            sp => { var store = sp.GetRequiredService<IKvStore>(); return new StoreHealthCheck(store.Backend, store.PingAsync); },
            failureStatus: null,
            tags: ["ready"]));
        builder.Services.AddHostedService<KvStartupLog>();
        return builder;
    }

    /// <summary>
    /// Redis through Aspire's client integration (a shared <see cref="IConnectionMultiplexer"/>, its health check and
    /// tracing). A URI-form setting is turned into the StackExchange form first, and a malformed one stops the start.
    /// The client does not abort when Redis is down at start: it keeps reconnecting, and requests answer 503 meanwhile.
    /// </summary>
    private static void AddRedisKv(this IHostApplicationBuilder builder)
    {
        var redis = ParseRedisConnectionString(builder.Configuration.GetConnectionString(RedisConnectionName)!);
        var exportsTraces = SageTelemetry.ExportsTraces(builder.Configuration);
        builder.AddRedisClient(RedisConnectionName, settings =>
        {
            settings.ConnectionString = redis.Configuration;
            // A span per Redis command costs a profiling session per call and a drain thread: with nobody to send the spans
            // to, that was a third of the service CPU of a GET (bench/README.md). With an OTLP endpoint they are recorded.
            settings.DisableTracing |= !exportsTraces;
        }, options =>
        {
            redis.ApplyTo(options);
            // Aspire's health check asks each node of a cluster for CLUSTER INFO, which StackExchange.Redis counts as an admin command.
            options.AllowAdmin = true;
        });
        builder.Services.AddSingleton<IKvStore>(sp =>
            new RedisKvStore(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<IOptions<KvOptions>>().Value.RedisKeyPrefix));
    }

    /// <summary>Either accepted form of the Redis setting; anything StackExchange.Redis would refuse stops the service naming the setting.</summary>
    internal static RedisConnectionString ParseRedisConnectionString(string value)
    {
        try
        {
            var redis = RedisConnectionString.Parse(value);
            _ = redis.ToOptions();
            return redis;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new OptionsValidationException(KvOptions.SectionName, typeof(KvOptions),
                [$"ConnectionStrings:redis (ConnectionStrings__redis, REDIS_URI, SAGE_REDIS_URL) is not a Redis connection string: {ex.Message}"]);
        }
    }

    /// <summary>The backend named by configuration, or the one the connection strings imply; a bad value stops the service.</summary>
    internal static string ResolveBackend(IConfiguration configuration) => Backends.Select<KvOptions>(configuration);

    private static readonly BackendSelector Backends = new(KvOptions.SectionName, "SAGE_KV_BACKEND", "memory", "redis", RedisConnectionName,
        "no Redis connection string is configured: set ConnectionStrings__redis, REDIS_URI or SAGE_REDIS_URL.");

    // One line at start saying where the data lives, so nobody mistakes the in-process store for a durable one.
    private sealed class KvStartupLog(IKvStore store, ILogger<KvStartupLog> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (store is InMemoryKvStore { DatabasePath: { } path })
                logger.LogInformation("KV backend: memory, durable (every write journalled to {Path})", path);
            else if (store.Backend == "memory")
                logger.LogInformation("KV backend: memory (in-process; data is lost when the service stops; set SAGE_KV_PERSIST_DIR to keep it)");
            else
                logger.LogInformation("KV backend: {Backend}", store.Backend);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
