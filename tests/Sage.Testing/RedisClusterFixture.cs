using Xunit;

namespace Sage.Testing;

/// <summary>
/// One <see cref="RedisCluster"/> shared by a test class or collection; starting three nodes costs about a second, so
/// tests share it and keep apart by key prefix.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private RedisCluster? _cluster;

    /// <summary>The running cluster.</summary>
    public RedisCluster Cluster => _cluster ?? throw new InvalidOperationException("The Redis Cluster fixture has not been initialized.");

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _cluster = await RedisCluster.StartAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
