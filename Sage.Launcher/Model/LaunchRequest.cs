namespace Sage.Launcher.Model;

/// <summary>
/// What the user asked for on the command line. A null value was not given, so the config file (if any) and then
/// the defaults decide it.
/// </summary>
public sealed record LaunchRequest
{
    public string? Config { get; init; }
    public string? KvBackend { get; init; }
    public string? RedisUrl { get; init; }
    public string? VdbBackend { get; init; }
    public string? QdrantUrl { get; init; }
    public string? QdrantApiKey { get; init; }
    public string? PersistDir { get; init; }
    public string? ConfigFile { get; init; }
    public string? OtlpEndpoint { get; init; }
    public string? OtlpHeaders { get; init; }
    public int? PortBase { get; init; }
    public string? Embeddings { get; init; }
    public string? EmbeddingsUrl { get; init; }
    public string? EmbeddingsModel { get; init; }
    public bool Restart { get; init; }
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
