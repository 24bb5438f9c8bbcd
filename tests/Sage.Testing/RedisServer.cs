using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Sage.Testing;

/// <summary>
/// A real redis-server from PATH on a free loopback port, with no persistence and its own temp directory.
/// It can be stopped (an outage) and restarted on the same port. Dispose kills it and deletes the directory.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly RedisServerOptions _options;
    private readonly string _directory;
    private readonly RedisServerCertificates? _certificates;
    private Process? _process;

    private RedisServer(RedisServerOptions options, string directory, RedisServerCertificates? certificates)
    {
        _options = options;
        _directory = directory;
        _certificates = certificates;
        CaCertificate = certificates is null ? null : X509CertificateLoader.LoadCertificateFromFile(certificates.CaCertificatePath);
    }

    /// <summary>The TCP port (the TLS port for a TLS-only server).</summary>
    public int Port { get; private set; }

    /// <summary>Always the IPv4 loopback address.</summary>
    public string Host => "127.0.0.1";

    /// <summary>StackExchange form: <c>127.0.0.1:port</c>, plus <c>,password=…</c> and <c>,ssl=true</c> when they apply.</summary>
    public string ConnectionString =>
        $"{Host}:{Port}" + (_options.Password is null ? "" : $",password={_options.Password}") + (_options.Tls ? ",ssl=true" : "");

    /// <summary>URI form: <c>redis://127.0.0.1:port</c> (<c>rediss://</c> for TLS, with <c>:password@</c> when set).</summary>
    public string Uri => (_options.Tls ? "rediss://" : "redis://") +
        (_options.Password is null ? "" : $":{System.Uri.EscapeDataString(_options.Password)}@") + $"{Host}:{Port}";

    /// <summary>Path of the PEM CA certificate that signed the server certificate (TLS servers only).</summary>
    public string? CaCertificatePath => _certificates?.CaCertificatePath;

    /// <summary>The CA certificate that signed the server certificate (TLS servers only).</summary>
    public X509Certificate2? CaCertificate { get; }

    /// <summary>Starts a server and waits until it answers PING.</summary>
    /// <exception cref="InvalidOperationException">redis-server is not installed, or it did not start.</exception>
    public static async Task<RedisServer> StartAsync(RedisServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RedisServerOptions();
        var executable = FindExecutable();
        var directory = Directory.CreateTempSubdirectory("sage-redis-").FullName;
        RedisServer? server = null;
        try
        {
            var certificates = options.Tls ? await RedisServerCertificates.CreateAsync(directory, cancellationToken) : null;
            server = new RedisServer(options, directory, certificates);
            for (var attempt = 1; ; attempt++)
            {
                server.Port = options.ClusterNode ? FreePortWithClusterBus() : FreePort();
                try
                {
                    await server.LaunchAsync(executable, cancellationToken);
                    return server;
                }
                catch (PortTakenException) when (attempt < 5)
                {
                    // Another process grabbed the port between our probe and redis-server's bind: pick another.
                }
            }
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            else
            {
                Directory.Delete(directory, recursive: true);
            }

            throw;
        }
    }

    /// <summary>Kills the server (SIGKILL, like a crash) and keeps the port for <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _process, null) is { } process)
        {
            await RedisServerProcesses.StopAsync(process);
        }
    }

    /// <summary>Starts the server again on the same port and waits until it answers PING (data is not kept).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await LaunchAsync(FindExecutable(), cancellationToken);
    }

    /// <summary>Kills the server and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        CaCertificate?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private async Task LaunchAsync(string executable, CancellationToken cancellationToken)
    {
        var logFile = Path.Combine(_directory, "redis.log");
        File.Delete(logFile);
        var process = RedisServerProcesses.Start(executable, Arguments(logFile), _directory);
        _process = process;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            while (!await RedisServerProbe.AnswersPingAsync(Host, Port, _options, timeout.Token))
            {
                if (process.HasExited)
                {
                    var log = File.Exists(logFile) ? await File.ReadAllTextAsync(logFile, CancellationToken.None) : "";
                    if (log.Contains("Address already in use", StringComparison.Ordinal))
                    {
                        throw new PortTakenException();
                    }

                    throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} on port {Port}:\n{log}");
                }

                await Task.Delay(20, timeout.Token);
            }
        }
        catch (Exception ex)
        {
            await StopAsync();
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException($"redis-server did not answer PING on port {Port} within {StartTimeout.TotalSeconds} s.", ex);
            }

            throw;
        }
    }

    private List<string> Arguments(string logFile)
    {
        List<string> args =
        [
            "--save", "", "--appendonly", "no", "--bind", Host, "--protected-mode", "no", "--daemonize", "no",
            "--dir", _directory, "--logfile", logFile,
        ];
        if (_certificates is null)
        {
            args.AddRange(["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        else
        {
            args.AddRange([
                "--port", "0", "--tls-port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tls-cert-file", _certificates.CertificatePath, "--tls-key-file", _certificates.KeyPath,
                "--tls-ca-cert-file", _certificates.CaCertificatePath, "--tls-auth-clients", "no",
            ]);
        }

        if (_options.Password is not null)
        {
            args.AddRange(["--requirepass", _options.Password]);
        }

        if (_options.ClusterNode)
        {
            args.AddRange(["--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(_directory, "nodes.conf"), "--cluster-node-timeout", "5000"]);
        }

        return args;
    }

    private static string FindExecutable() => FindExecutable("redis-server");

    /// <summary>The full path of a Redis program (<c>redis-server</c>, <c>redis-cli</c>) on PATH.</summary>
    internal static string FindExecutable(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"{name} was not found on PATH. Install it with `apt-get install redis-server redis-tools` or run ./test.sh.");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    // A cluster node also listens on port + 10000 (the cluster bus), so both must be free.
    private static int FreePortWithClusterBus()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = FreePort();
            if (port + 10000 <= IPEndPoint.MaxPort && IsFree(port + 10000))
            {
                return port;
            }
        }

        throw new InvalidOperationException("Found no free port whose cluster bus port (port + 10000) is free too.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private sealed class PortTakenException : Exception;
}
