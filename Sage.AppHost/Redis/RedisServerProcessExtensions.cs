using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>Adds a <see cref="RedisServerProcessResource"/>: <c>redis-server</c> from PATH, no container needed.</summary>
public static class RedisServerProcessExtensions
{
    /// <summary>
    /// Adds <c>redis-server</c> as an executable on a port DCP allocates, with a generated password and a health
    /// check that PINGs it, so <c>WaitFor</c> holds its dependents until it answers.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name, and the connection string name of its references.</param>
    /// <param name="dataDirectory">Where Redis keeps an append-only file; when null nothing is persisted.</param>
    public static IResourceBuilder<RedisServerProcessResource> AddRedisServerProcess(
        this IDistributedApplicationBuilder builder, string name, string? dataDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var workingDirectory = dataDirectory is null ? Path.GetTempPath() : Path.GetFullPath(dataDirectory);
        if (dataDirectory is not null)
        {
            Directory.CreateDirectory(workingDirectory);
        }

        var redis = new RedisServerProcessResource(name, workingDirectory, password);

        // The health check connects with the resolved connection string, known once the endpoint is allocated.
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, cancellationToken) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException($"The connection string of '{name}' is not known yet."),
            name: healthCheckKey);

        return builder.AddResource(redis)
            .WithEndpoint(name: RedisServerProcessResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                // The process listens on the target port DCP gives it; clients reach it through DCP's proxy.
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--requirepass");
                context.Args.Add(redis.PasswordParameter);
                context.Args.Add("--save");
                context.Args.Add("");
                context.Args.Add("--appendonly");
                context.Args.Add(dataDirectory is null ? "no" : "yes");
                context.Args.Add("--dir");
                context.Args.Add(workingDirectory);
            })
            .WithHealthCheck(healthCheckKey);
    }
}
