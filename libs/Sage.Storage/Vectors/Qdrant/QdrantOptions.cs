using System.Data.Common;
using Microsoft.Extensions.Configuration;

namespace Sage.Storage.Vectors.Qdrant;

/// <summary>Where Qdrant's REST API is and how to talk to it.</summary>
public sealed class QdrantOptions
{
    /// <summary>The configuration section read last (appsettings): <c>Qdrant:Endpoint</c>, <c>Qdrant:ApiKey</c>.</summary>
    public const string SectionName = "Qdrant";

    /// <summary>The Aspire connection string of Qdrant's HTTP endpoint: <c>ConnectionStrings:qdrant_http</c>.</summary>
    public const string ConnectionStringName = "qdrant_http";

    /// <summary>The alias variable for the endpoint.</summary>
    public const string UrlVariable = "SAGE_QDRANT_URL";

    /// <summary>The alias variable for the API key.</summary>
    public const string ApiKeyVariable = "SAGE_QDRANT_API_KEY";

    /// <summary>The base address of Qdrant's REST API, e.g. <c>http://localhost:6333</c>.</summary>
    public Uri Endpoint { get; set; } = new("http://localhost:6333");

    /// <summary>Sent in the <c>api-key</c> header when set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one HTTP request may take before Qdrant counts as unavailable.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a collection's dimension and distance are remembered for local validation.</summary>
    public TimeSpan CollectionCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Parses the connection string form Aspire gives, <c>Endpoint=http://host:6333;Key=secret</c>, or a bare URL.
    /// </summary>
    /// <exception cref="FormatException">The string has no usable absolute http(s) endpoint.</exception>
    public static QdrantOptions ParseConnectionString(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var options = new QdrantOptions();
        var trimmed = connectionString.Trim();
        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var bare) && IsHttp(bare))
        {
            options.Endpoint = bare;
            return options;
        }

        DbConnectionStringBuilder builder;
        try
        {
            builder = new DbConnectionStringBuilder { ConnectionString = trimmed };
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"Qdrant connection string is malformed: {ex.Message}", ex);
        }

        if (!builder.TryGetValue("Endpoint", out var endpoint) || endpoint is not string text || string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException("Qdrant connection string has no 'Endpoint=' entry.");
        }

        options.Endpoint = ParseEndpoint(text, "Endpoint");
        if (builder.TryGetValue("Key", out var key) && key is string keyText && keyText.Length > 0)
        {
            options.ApiKey = keyText;
        }

        return options;
    }

    /// <summary>
    /// Applies configuration in the contract's order, last wins: the <see cref="SectionName"/> section,
    /// then the <c>SAGE_QDRANT_*</c> aliases, then Aspire's <c>ConnectionStrings:qdrant_http</c>.
    /// </summary>
    public void Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.GetSection(SectionName).Bind(this);

        if (configuration[UrlVariable] is { Length: > 0 } url)
        {
            Endpoint = ParseEndpoint(url, UrlVariable);
        }

        if (configuration[ApiKeyVariable] is { Length: > 0 } apiKey)
        {
            ApiKey = apiKey;
        }

        if (configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } connectionString)
        {
            var parsed = ParseConnectionString(connectionString);
            Endpoint = parsed.Endpoint;
            ApiKey = parsed.ApiKey ?? ApiKey;
        }
    }

    /// <summary>The first problem with these options, naming the setting, or null when they are usable.</summary>
    public string? Validate()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || !IsHttp(Endpoint))
        {
            return $"{SectionName}:Endpoint must be an absolute http(s) URL (from ConnectionStrings:{ConnectionStringName} or {UrlVariable}).";
        }

        if (Timeout <= TimeSpan.Zero)
        {
            return $"{SectionName}:Timeout must be positive.";
        }

        return CollectionCacheDuration < TimeSpan.Zero ? $"{SectionName}:CollectionCacheDuration must not be negative." : null;
    }

    private static Uri ParseEndpoint(string text, string setting) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && IsHttp(uri)
            ? uri
            : throw new FormatException($"{setting} must be an absolute http(s) URL, got '{text}'.");

    private static bool IsHttp(Uri uri) => uri.Scheme is "http" or "https";
}
