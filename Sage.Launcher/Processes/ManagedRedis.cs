using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Sage.Launcher.Model;
using Sage.Launcher.Output;

namespace Sage.Launcher.Processes;

/// <summary>
/// A <c>redis-server</c> the launcher starts when KV should use Redis and no <c>--redis-url</c> was given: on a port of
/// its own, with a password, appending to <c>&lt;persist-dir&gt;/redis</c> (or a temporary directory). Disposing it stops
/// the server only: the data directory outlives it, so a restart on the same port reads the same append-only file back.
/// </summary>
internal sealed class ManagedRedis : IAsyncDisposable
{
    private readonly ChildProcess _server;
    private readonly Process? _watchdog;
    private readonly RedisEndpoint _endpoint;

    private ManagedRedis(ChildProcess server, Process? watchdog, RedisEndpoint endpoint)
    {
        _server = server;
        _watchdog = watchdog;
        _endpoint = endpoint;
    }

    public ChildProcess Process => _server;

    /// <summary>The redis-server executable on PATH, or a <see cref="LaunchException"/> saying how to get one.</summary>
    public static string FindExecutable()
    {
        var name = OperatingSystem.IsWindows() ? "redis-server.exe" : "redis-server";
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
        return path ?? throw new LaunchException("--kv-backend redis without --redis-url needs redis-server on PATH: install it with apt-get install redis-server, or pass --redis-url.");
    }

    /// <summary>Starts the server and waits until it answers PING.</summary>
    public static async Task<ManagedRedis> StartAsync(RedisEndpoint endpoint, ServiceLog log, CancellationToken cancellationToken)
    {
        var executable = FindExecutable();
        var dataDirectory = endpoint.ManagedDataDirectory!;
        Directory.CreateDirectory(dataDirectory);
        string[] arguments =
        [
            "--port", endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1", "-::1",
            "--requirepass", endpoint.Password!,
            "--dir", dataDirectory,
            "--appendonly", "yes",
            "--save", "",
            "--daemonize", "no",
        ];
        var server = ChildProcess.Start("redis", executable, arguments, new Dictionary<string, string>(), dataDirectory, log);
        var redis = new ManagedRedis(server, StartWatchdog(server.Id), endpoint);
        try
        {
            await redis.WaitUntilReadyAsync(TimeSpan.FromSeconds(15), cancellationToken);
            return redis;
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server (SIGTERM lets it flush its append-only file) and its watchdog.</summary>
    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync(TimeSpan.FromSeconds(5));
        _server.Dispose();
        if (_watchdog is not null)
        {
            ProcessSignals.Kill(_watchdog);
            _watchdog.Dispose();
        }
    }

    /// <summary>Removes the data directory when it is a temporary one (no <c>--persist-dir</c>); called once sage stops.</summary>
    public static void DeleteTemporaryData(RedisEndpoint endpoint)
    {
        if (!endpoint.DeleteDataOnStop || !Directory.Exists(endpoint.ManagedDataDirectory))
            return;
        try
        {
            Directory.Delete(endpoint.ManagedDataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_server.HasExited)
                throw new LaunchException($"redis-server exited with code {_server.ExitCode} before answering: {string.Join(" | ", _server.RecentLines.TakeLast(3))}");
            if (await PingAsync(cancellationToken))
                return;
            await Task.Delay(100, cancellationToken);
        }
        throw new LaunchException($"redis-server did not answer PING on port {_endpoint.Port} within {timeout.TotalSeconds:0} s.");
    }

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(1));
            await client.ConnectAsync("127.0.0.1", _endpoint.Port, attempt.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"AUTH {_endpoint.Password}\r\nPING\r\n"), attempt.Token);
            var buffer = new byte[256];
            var reply = new StringBuilder();
            while (!reply.ToString().Contains("PONG", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, attempt.Token);
                if (read == 0)
                    return false;
                reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            return true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    // redis-server cannot watch its parent, so a tiny shell does: if the launcher is killed outright, redis goes too.
    private static Process? StartWatchdog(int redisPid)
    {
        if (OperatingSystem.IsWindows())
            return null;
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; kill -TERM {redisPid} 2>/dev/null";
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return System.Diagnostics.Process.Start(start);
    }
}
