using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Hosting;

namespace Sage.ServiceDefaults.Configuration;

/// <summary>
/// SAGE's seed variables (<c>SAGE_REDIS_URL</c>, <c>SAGE_KV_BACKEND</c>, …) and Aspire's short forms
/// (<c>REDIS_URI</c>, <c>KV_HTTP</c>) as aliases of the configuration keys the services read.
/// Precedence: what Aspire injects under the canonical key, then the aliases, then appsettings.
/// </summary>
public static class ConfigurationAliases
{
    /// <summary>Alias → canonical key. Earlier aliases of the same key win over later ones.</summary>
    public static readonly IReadOnlyList<(string Alias, string Key)> Table =
    [
        ("REDIS_URI", "ConnectionStrings:redis"),
        ("SAGE_REDIS_URL", "ConnectionStrings:redis"),
        ("KV_HTTP", "services:kv:http:0"),
        ("KV_HTTPS", "services:kv:https:0"),
        ("VDB_HTTP", "services:vdb:http:0"),
        ("VDB_HTTPS", "services:vdb:https:0"),
        ("SAGE_MEMORY_KV_URL", "services:kv:http:0"),
        ("SAGE_MEMORY_VDB_URL", "services:vdb:http:0"),
        ("SAGE_KV_BACKEND", "Sage:Kv:Backend"),
        ("SAGE_VDB_BACKEND", "Sage:Vdb:Backend"),
        ("SAGE_VDB_COLLECTION", "Sage:Vdb:Collection"),
        ("SAGE_KV_PERSIST_DIR", "Sage:Kv:PersistDirectory"),
        ("SAGE_VDB_PERSIST_DIR", "Sage:Vdb:PersistDirectory"),
        ("SAGE_MEMORY_MODE", "Sage:Memory:Mode"),
        ("SAGE_EMBEDDINGS_PROVIDER", "Sage:Embeddings:Provider"),
        ("SAGE_EMBEDDINGS_ENDPOINT", "Sage:Embeddings:Endpoint"),
        ("SAGE_EMBEDDINGS_KEY", "Sage:Embeddings:Key"),
        ("SAGE_EMBEDDINGS_MODEL", "Sage:Embeddings:Model"),
        ("SAGE_EMBEDDINGS_DIMENSIONS", "Sage:Embeddings:Dimensions"),
        ("SAGE_API_KEY", "Sage:ApiKey"),
    ];

    /// <summary>
    /// Inserts the aliases as a configuration source just below the environment variables, so an explicitly set
    /// canonical key still wins while the alias beats appsettings.
    /// </summary>
    public static TBuilder AddSageConfigurationAliases<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var values = Resolve(builder.Configuration);
        if (values.Count == 0)
            return builder;

        // Just below the LAST environment source, the app's own: the host also adds DOTNET_/ASPNETCORE_-prefixed
        // ones before appsettings, and landing below those would let appsettings beat the aliases.
        var sources = builder.Configuration.Sources;
        var index = sources.Count;
        for (var i = sources.Count - 1; i >= 0; i--)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource)
            {
                index = i;
                break;
            }
        }
        sources.Insert(index, new MemoryConfigurationSource { InitialData = values });
        return builder;
    }

    /// <summary>The canonical values the aliases in <paramref name="configuration"/> stand for.</summary>
    public static Dictionary<string, string?> Resolve(IConfiguration configuration)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (alias, key) in Table)
        {
            if (configuration[alias] is { Length: > 0 } value && !values.ContainsKey(key))
                values[key] = key.StartsWith("services:", StringComparison.Ordinal) ? value.TrimEnd('/') : value;
        }

        // Qdrant's alias is two variables; Aspire's form is one connection string, the gRPC one Qdrant.Client uses.
        if (configuration["SAGE_QDRANT_URL"] is { Length: > 0 } qdrantUrl)
        {
            var key = configuration["SAGE_QDRANT_API_KEY"];
            values["ConnectionStrings:qdrant"] = string.IsNullOrEmpty(key) ? $"Endpoint={qdrantUrl}" : $"Endpoint={qdrantUrl};Key={key}";
        }
        return values;
    }
}
