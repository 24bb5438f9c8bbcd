using System.Data.Common;

namespace Aspire.Qdrant.Client;

/// <summary>
/// Where the Qdrant server is and how the <c>QdrantClient</c> registration behaves; bound from
/// <c>Aspire:Qdrant:Client</c> (and <c>Aspire:Qdrant:Client:{connectionName}</c>), then <c>ConnectionStrings:{connectionName}</c>.
/// </summary>
public sealed class QdrantClientSettings
{
    /// <summary>Qdrant's gRPC endpoint, e.g. <c>http://localhost:6334</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The API key, sent with every call but the health check (Qdrant answers that one without it).</summary>
    public string? Key { get; set; }

    /// <summary>Leaves out the <c>Qdrant.Client</c> health check. Default false.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>How long the health check may take, in milliseconds; unset, the health check service's own limit applies.</summary>
    public int? HealthCheckTimeout { get; set; }

    /// <summary>Reads Aspire's form, <c>Endpoint=http://host:6334;Key=secret</c>, or a bare absolute URL.</summary>
    internal void ParseConnectionString(string connectionString)
    {
        if (Uri.TryCreate(connectionString.Trim(), UriKind.Absolute, out var bare))
        {
            Endpoint = bare;
            return;
        }

        var entries = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (entries.TryGetValue("Endpoint", out var endpoint) && Uri.TryCreate(endpoint?.ToString(), UriKind.Absolute, out var uri))
        {
            Endpoint = uri;
        }

        if (entries.TryGetValue("Key", out var key) && key?.ToString() is { Length: > 0 } text)
        {
            Key = text;
        }
    }
}
