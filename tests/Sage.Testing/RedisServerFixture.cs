using Xunit;

namespace Sage.Testing;

/// <summary>
/// One redis-server shared by a test class (<c>IClassFixture&lt;RedisServerFixture&gt;</c>) or a whole assembly
/// (<c>[assembly: AssemblyFixture(typeof(RedisServerFixture))]</c>). Tests sharing it should use their own key prefixes.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    /// <summary>The running server.</summary>
    public RedisServer Server => _server ?? throw new InvalidOperationException("The Redis fixture has not been initialized.");

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _server = await RedisServer.StartAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
