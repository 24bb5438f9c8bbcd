using System.Globalization;

namespace Sage.Testing;

/// <summary>
/// A real Redis Cluster of three masters (no replicas): three <see cref="RedisServer"/> cluster nodes joined with
/// <c>redis-cli --cluster create</c>, ready once <c>CLUSTER INFO</c> says <c>cluster_state:ok</c> on every node.
/// Dispose kills the nodes and deletes their directories.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private const int Masters = 3;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly RedisServer[] _nodes;

    private RedisCluster(RedisServer[] nodes) => _nodes = nodes;

    /// <summary>The master nodes.</summary>
    public IReadOnlyList<RedisServer> Nodes => _nodes;

    /// <summary>StackExchange form listing every node: <c>127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3</c>.</summary>
    public string ConnectionString => string.Join(",", _nodes.Select(node => node.ConnectionString));

    /// <summary>Starts the nodes, creates the cluster and waits until every node reports it healthy.</summary>
    /// <exception cref="InvalidOperationException">redis-server or redis-cli is missing, or the cluster did not form.</exception>
    public static async Task<RedisCluster> StartAsync(CancellationToken cancellationToken = default)
    {
        var nodes = new List<RedisServer>(Masters);
        try
        {
            for (var i = 0; i < Masters; i++)
            {
                nodes.Add(await RedisServer.StartAsync(new RedisServerOptions { ClusterNode = true }, cancellationToken));
            }

            var cluster = new RedisCluster([.. nodes]);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ReadyTimeout);
            await RunCliAsync(["--cluster", "create", .. nodes.Select(n => $"{n.Host}:{n.Port}"), "--cluster-replicas", "0", "--cluster-yes"], timeout.Token);
            await cluster.WaitUntilReadyAsync(timeout.Token);
            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Kills every node and deletes their directories.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        foreach (var node in _nodes)
        {
            while (true)
            {
                var info = await RunCliAsync(["-h", node.Host, "-p", node.Port.ToString(CultureInfo.InvariantCulture), "CLUSTER", "INFO"], cancellationToken);
                if (info.Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    break;
                }

                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private static Task<string> RunCliAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        CommandLineTool.RunAsync(RedisServer.FindExecutable("redis-cli"), arguments, cancellationToken);
}
