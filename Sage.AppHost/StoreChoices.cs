using Microsoft.Extensions.Configuration;

namespace Sage.AppHost;

/// <summary>Where KV's Redis comes from: <c>Sage:Redis</c>.</summary>
internal enum RedisSource
{
    /// <summary>Aspire's Redis container (the default, and always when publishing).</summary>
    Container,

    /// <summary>Debian's <c>redis-server</c> from PATH, as an executable resource.</summary>
    Process,

    /// <summary>A Redis the user runs: the AppHost's <c>ConnectionStrings:redis</c>.</summary>
    Existing,

    /// <summary>No Redis: KV keeps its data in memory.</summary>
    None,
}

/// <summary>Where VDB's Qdrant comes from: <c>Sage:Qdrant</c>.</summary>
internal enum QdrantSource
{
    /// <summary>Our Qdrant container resource (the default, and always when publishing).</summary>
    Container,

    /// <summary>A Qdrant the user runs: the AppHost's <c>ConnectionStrings:qdrant</c> (gRPC).</summary>
    Existing,

    /// <summary>No Qdrant: VDB runs its embedded engine.</summary>
    None,
}

/// <summary>Where Memory's text embeddings come from: <c>Sage:Embeddings</c>.</summary>
internal enum EmbeddingsSource
{
    /// <summary>all-MiniLM-L6-v2 inside Memory, offline (the default; nothing to model).</summary>
    Local,

    /// <summary>An OpenAI-compatible endpoint: the AppHost's <c>ConnectionStrings:embeddings</c> (<c>Endpoint=…;Key=…;Model=…</c>).</summary>
    OpenAI,

    /// <summary>No embeddings: callers send vectors.</summary>
    None,
}

/// <summary>
/// The AppHost's store switches, read once and checked: <c>Sage:Redis</c>, <c>Sage:Qdrant</c>, and
/// <c>Sage:Embedded=true</c> as the shorthand for both <c>none</c>; and <c>Sage:Embeddings</c>.
/// </summary>
internal sealed record StoreChoices(RedisSource Redis, QdrantSource Qdrant, string? RedisDataDirectory, EmbeddingsSource Embeddings = EmbeddingsSource.Local)
{
    public const string RedisKey = "Sage:Redis";
    public const string RedisDataDirectoryKey = "Sage:RedisDataDirectory";
    public const string QdrantKey = "Sage:Qdrant";
    public const string EmbeddedKey = "Sage:Embedded";
    public const string EmbeddingsKey = "Sage:Embeddings";

    /// <summary>Reads the switches; a deployment keeps <c>existing</c> but otherwise always gets the containers.</summary>
    public static StoreChoices Read(IConfiguration configuration, bool isPublishMode)
    {
        var embedded = configuration.GetValue<bool>(EmbeddedKey);
        var redis = Parse(configuration, RedisKey, embedded ? RedisSource.None : RedisSource.Container);
        var qdrant = Parse(configuration, QdrantKey, embedded ? QdrantSource.None : QdrantSource.Container);

        if (isPublishMode)
        {
            // Process and in-memory stores are for a laptop; the cloud gets real, persistent ones.
            redis = redis == RedisSource.Existing ? redis : RedisSource.Container;
            qdrant = qdrant == QdrantSource.Existing ? qdrant : QdrantSource.Container;
        }

        // Only Sage:Redis=process uses it: where redis-server keeps its append-only file (none when unset).
        var redisDataDirectory = configuration[RedisDataDirectoryKey];
        return new StoreChoices(redis, qdrant, string.IsNullOrWhiteSpace(redisDataDirectory) ? null : redisDataDirectory,
            Parse(configuration, EmbeddingsKey, EmbeddingsSource.Local));
    }

    private static T Parse<T>(IConfiguration configuration, string key, T fallback)
        where T : struct, Enum
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _))
        {
            return parsed;
        }

        var allowed = string.Join(" | ", Enum.GetNames<T>().Select(name => name.ToLowerInvariant()));
        throw new InvalidOperationException($"{key} is '{value}'; use {allowed}.");
    }
}
