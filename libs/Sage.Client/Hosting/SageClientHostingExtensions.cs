using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sage.Client.Hosting;
using Sage.Client.Kv;
using Sage.Client.Memory;
using Sage.Client.Vdb;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registration of the SageAspire typed clients, in the style of Aspire's client integrations.</summary>
public static class SageClientHostingExtensions
{
    /// <summary>The header the services read the API key from.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>
    /// Registers <see cref="MemoryClient"/> as a typed HttpClient for the service <paramref name="name"/> (default address
    /// <c>https+http://memory</c>, resolved by service discovery; see <see cref="SageClientOptions"/> for overrides).
    /// </summary>
    /// <returns>The HttpClient builder, to add handlers (e.g. resilience) to this client only.</returns>
    public static IHttpClientBuilder AddSageMemoryClient(this IHostApplicationBuilder builder, string name = "memory", Action<SageClientOptions>? configure = null) =>
        builder.AddSageClient<MemoryClient>(name, configure);

    /// <summary>Registers <see cref="KvClient"/> for the service <paramref name="name"/> (default address <c>https+http://kv</c>).</summary>
    /// <returns>The HttpClient builder, to add handlers to this client only.</returns>
    public static IHttpClientBuilder AddSageKvClient(this IHostApplicationBuilder builder, string name = "kv", Action<SageClientOptions>? configure = null) =>
        builder.AddSageClient<KvClient>(name, configure);

    /// <summary>Registers <see cref="VdbClient"/> for the service <paramref name="name"/> (default address <c>https+http://vdb</c>).</summary>
    /// <returns>The HttpClient builder, to add handlers to this client only.</returns>
    public static IHttpClientBuilder AddSageVdbClient(this IHostApplicationBuilder builder, string name = "vdb", Action<SageClientOptions>? configure = null) =>
        builder.AddSageClient<VdbClient>(name, configure);

    private static IHttpClientBuilder AddSageClient<TClient>(this IHostApplicationBuilder builder, string name, Action<SageClientOptions>? configure)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        builder.Services.AddOptions<SageClientOptions>(name)
            .Configure<IConfiguration>((options, configuration) => Bind(options, configuration, name))
            .Configure(options => configure?.Invoke(options))
            .Validate(options => options.BaseAddress is { IsAbsoluteUri: true },
                $"The base address of the '{name}' client must be an absolute URI: set {SageClientOptions.SectionName}:{name}:BaseAddress or ConnectionStrings:{name}.");

        return builder.Services.AddHttpClient<TClient>(name, (services, http) =>
        {
            var options = services.GetRequiredService<IOptionsMonitor<SageClientOptions>>().Get(name);
            http.BaseAddress = WithTrailingSlash(options.BaseAddress!);
            if (options.Timeout is { } timeout)
                http.Timeout = timeout;
            if (!string.IsNullOrEmpty(options.ApiKey))
                http.DefaultRequestHeaders.Add(ApiKeyHeader, options.ApiKey);
        });
    }

    private static void Bind(SageClientOptions options, IConfiguration configuration, string name)
    {
        configuration.GetSection(SageClientOptions.SectionName).GetSection(name).Bind(options);
        if (configuration.GetConnectionString(name) is { Length: > 0 } connectionString)
            ApplyConnectionString(options, connectionString, name);
        options.BaseAddress ??= new Uri($"https+http://{name}");
        options.ApiKey ??= configuration["Sage:ApiKey"] is { Length: > 0 } shared ? shared : null;
    }

    // Either a bare URL or "Endpoint=…;Key=…", the form Aspire uses for HTTP resources with a key.
    private static void ApplyConnectionString(SageClientOptions options, string connectionString, string name)
    {
        if (Uri.TryCreate(connectionString, UriKind.Absolute, out var url))
        {
            options.BaseAddress = url;
            return;
        }
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (parts.TryGetValue("Endpoint", out var endpoint) && Uri.TryCreate(endpoint?.ToString(), UriKind.Absolute, out var parsed))
            options.BaseAddress = parsed;
        else
            throw new InvalidOperationException($"ConnectionStrings:{name} must be a URL or 'Endpoint=<url>;Key=<api key>', not '{connectionString}'.");
        if (parts.TryGetValue("Key", out var key) && key?.ToString() is { Length: > 0 } apiKey)
            options.ApiKey = apiKey;
    }

    // Relative request paths ("kv/…") keep a base path such as http://host/sage/ only when it ends with '/'.
    private static Uri WithTrailingSlash(Uri address) =>
        address.AbsolutePath.EndsWith('/') ? address : new Uri(address + "/");
}
