using Aspire.Qdrant.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Qdrant.Client;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers <see cref="QdrantClient"/> the way Aspire's <c>Aspire.Qdrant.Client</c> integration does.</summary>
public static class AspireQdrantExtensions
{
    /// <summary>The configuration section of <see cref="QdrantClientSettings"/>.</summary>
    public const string DefaultConfigSectionName = "Aspire:Qdrant:Client";

    /// <summary>
    /// Registers a singleton <see cref="QdrantClient"/> for <c>ConnectionStrings:{connectionName}</c>
    /// (<c>Endpoint=http://host:6334;Key=…</c>), with a <c>Qdrant.Client</c> health check.
    /// </summary>
    /// <param name="builder">The host builder to read configuration from and add services to.</param>
    /// <param name="connectionName">The connection string's name, e.g. <c>qdrant</c>.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    public static void AddQdrantClient(this IHostApplicationBuilder builder, string connectionName, Action<QdrantClientSettings>? configureSettings = null) =>
        Add(builder, connectionName, configureSettings, serviceKey: null);

    /// <summary>As <see cref="AddQdrantClient"/>, as a keyed singleton under <paramref name="name"/>.</summary>
    public static void AddKeyedQdrantClient(this IHostApplicationBuilder builder, string name, Action<QdrantClientSettings>? configureSettings = null) =>
        Add(builder, name, configureSettings, serviceKey: name);

    private static void Add(IHostApplicationBuilder builder, string connectionName, Action<QdrantClientSettings>? configureSettings, string? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = new QdrantClientSettings();
        var section = builder.Configuration.GetSection(DefaultConfigSectionName);
        section.Bind(settings);
        section.GetSection(connectionName).Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
        {
            settings.ParseConnectionString(connectionString);
        }

        configureSettings?.Invoke(settings);

        QdrantClient Create(IServiceProvider services) => settings.Endpoint is { } endpoint
            ? new QdrantClient(endpoint, settings.Key, loggerFactory: services.GetService<ILoggerFactory>())
            : throw new InvalidOperationException(
                $"No Qdrant endpoint: set ConnectionStrings:{connectionName} (Endpoint=http://host:6334;Key=…) " +
                $"or Endpoint in the '{DefaultConfigSectionName}' or '{DefaultConfigSectionName}:{connectionName}' section.");

        if (serviceKey is null)
        {
            builder.Services.AddSingleton(Create);
        }
        else
        {
            builder.Services.AddKeyedSingleton(serviceKey, (services, _) => Create(services));
        }

        if (settings.DisableHealthChecks)
        {
            return;
        }

        var name = serviceKey is null ? "Qdrant.Client" : $"Qdrant.Client_{connectionName}";
        var registration = new HealthCheckRegistration(
            name,
            services => new QdrantHealthCheck(serviceKey is null ? services.GetRequiredService<QdrantClient>() : services.GetRequiredKeyedService<QdrantClient>(serviceKey)),
            failureStatus: null,
            tags: null,
            timeout: settings.HealthCheckTimeout > 0 ? TimeSpan.FromMilliseconds(settings.HealthCheckTimeout.Value) : null);
        builder.Services.AddHealthChecks();
        // Once per name, so registering the same client twice does not fail the health check service.
        builder.Services.Configure<HealthCheckServiceOptions>(options =>
        {
            if (!options.Registrations.Any(r => r.Name == name))
            {
                options.Registrations.Add(registration);
            }
        });
    }
}
