using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sage.Redis;

namespace Sage.Storage.Kv;

/// <summary>Registers the Redis KV backend.</summary>
public static class RedisKvStoreExtensions
{
    /// <summary>
    /// Adds a shared <see cref="RedisConnection"/> for <paramref name="connectionString"/> (StackExchange form or
    /// <c>redis://</c> URI) and <see cref="IKvStore"/> as a <see cref="RedisKvStore"/> under <paramref name="keyPrefix"/>.
    /// The connection does not abort when Redis is down at start: it keeps retrying and requests answer 503 meanwhile.
    /// </summary>
    /// <exception cref="FormatException">The connection string is malformed (thrown here, at start-up).</exception>
    public static IServiceCollection AddRedisKvStore(this IServiceCollection services, string connectionString, string keyPrefix = RedisKvStore.DefaultKeyPrefix)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = RedisOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        // Waits for the first connect attempt (bounded by connectTimeout) so a healthy Redis is ready before the first request.
        services.TryAddSingleton(_ => RedisConnection.ConnectAsync(options).GetAwaiter().GetResult());
        services.AddSingleton<IKvStore>(sp => new RedisKvStore(sp.GetRequiredService<RedisConnection>(), keyPrefix));
        return services;
    }
}
