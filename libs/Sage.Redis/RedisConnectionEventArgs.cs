namespace Sage.Redis;

/// <summary>Describes a change in a <see cref="RedisConnection"/>'s link to the server.</summary>
/// <param name="endpoint">The server, as <c>host:port</c>.</param>
/// <param name="error">Why the link broke; null when it was restored.</param>
public sealed class RedisConnectionEventArgs(string endpoint, Exception? error) : EventArgs
{
    /// <summary>The server, as <c>host:port</c>.</summary>
    public string Endpoint { get; } = endpoint;

    /// <summary>Why the link broke; null when it was restored.</summary>
    public Exception? Error { get; } = error;
}
