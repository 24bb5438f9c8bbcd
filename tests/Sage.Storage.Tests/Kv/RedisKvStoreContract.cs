using Sage.Storage.Kv;
using StackExchange.Redis;

namespace Sage.Storage.Tests.Kv;

/// <summary>The KV contract against a Redis deployment: each test connects afresh and works under its own key prefix.</summary>
public abstract class RedisKvStoreContract : KvStoreContract
{
    private ConnectionMultiplexer? _redis;

    /// <summary>This test's prefix, so tests sharing one Redis stay apart as fresh stores would.</summary>
    protected string Prefix { get; } = $"sage:kv:test:{Guid.NewGuid():N}:";

    protected ConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("Not connected.");

    /// <summary>Where the Redis under test is, in either accepted form.</summary>
    protected abstract string ConnectionString { get; }

    protected override async ValueTask<IKvStore> CreateStoreAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(RedisConnectionString.Parse(ConnectionString).ToOptions())
            .WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        return new RedisKvStore(_redis, Prefix);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
