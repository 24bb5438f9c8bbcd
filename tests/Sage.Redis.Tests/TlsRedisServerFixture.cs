using Sage.Testing;

namespace Sage.Redis.Tests;

/// <summary>One TLS-only redis-server (and its throwaway CA) for all TLS tests.</summary>
public sealed class TlsRedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public RedisServer Server => _server ?? throw new InvalidOperationException("Not initialized.");

    public async ValueTask InitializeAsync() => _server = await RedisServer.StartAsync(new RedisServerOptions { Tls = true });

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
