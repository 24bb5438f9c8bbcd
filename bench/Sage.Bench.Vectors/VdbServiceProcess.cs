using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using Sage.Client.Vdb;

namespace Sage.Bench.Vectors;

/// <summary>
/// The VDB service as a real child process (<c>dotnet Sage.Vdb.dll</c> from its Release build output) on a free loopback
/// port, embedded backend (in memory unless a persist directory is given), warnings-only logging. Killed on dispose, and by <see cref="KillAll"/> on Ctrl+C / exit.
/// </summary>
internal sealed class VdbServiceProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    // Settings the service could inherit from this shell and that would change what is measured.
    private static readonly string[] Cleared =
    [
        "SAGE_VDB_PERSIST_DIR", "SAGE_VDB_BACKEND", "SAGE_VDB_COLLECTION", "SAGE_QDRANT_URL", "ConnectionStrings__qdrant",
        "Sage__Vdb__PersistDirectory", "Sage__Vdb__Backend", "Sage__Vdb__Dimension", "Sage__Vdb__Collection", "DOTNET_ENVIRONMENT",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "Vdb__Embedded__ParallelScanThreshold", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS",
    ];

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private VdbServiceProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromMinutes(2),
        };
        Client = new VdbClient(Http);
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public HttpClient Http { get; }

    /// <summary>When the process was started (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long StartedAt { get; private set; }

    /// <summary>From process start to the first 200 from <c>/health</c>.</summary>
    public TimeSpan ReadyAfter { get; private set; }

    public VdbClient Client { get; }

    /// <summary>Starts the service and waits (bounded) until <c>/health</c> answers 200; a second port is tried if the first was taken.</summary>
    public static async Task<VdbServiceProcess> StartAsync(string dll, int maxBatchPoints, string? persistDirectory = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            var service = Launch(dll, FreePort(), maxBatchPoints, persistDirectory);
            try
            {
                await service.WaitReadyAsync();
                service.StartedAt = started;
                service.ReadyAfter = Stopwatch.GetElapsedTime(started);
                return service;
            }
            catch (Exception) when (attempt < 2 && service._process.HasExited)
            {
                await service.DisposeAsync();
            }
            catch
            {
                await service.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>The service's Release build: <c>SAGE_BENCH_VDB_DLL</c> if set, else the path MSBuild resolved when this bench was built.</summary>
    public static string LocateDll()
    {
        var configured = Environment.GetEnvironmentVariable("SAGE_BENCH_VDB_DLL");
        var built = typeof(VdbServiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SageVdbDll")?.Value;
        var dll = configured is { Length: > 0 } ? configured : built;
        if (dll is null || !File.Exists(dll))
        {
            throw new FileNotFoundException(
                $"Sage.Vdb.dll not found at '{dll}'. Build it first: dotnet build -c Release services/Sage.Vdb (or set SAGE_BENCH_VDB_DLL).", dll);
        }
        return Path.GetFullPath(dll);
    }

    /// <summary>Kills every service still running; for Ctrl+C and process exit.</summary>
    public static void KillAll()
    {
        foreach (var (id, process) in Live)
        {
            try
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            Live.TryRemove(id, out _);
        }
    }

    /// <summary>Working set of the service, in MB.</summary>
    public double ResidentMegabytes()
    {
        _process.Refresh();
        return _process.WorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>CPU time (user + kernel) the service has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"VDB service pid {_process.Id} did not exit within 10 s of SIGKILL.");
        }
        Live.TryRemove(_process.Id, out _);
        _process.Dispose();
    }

    private static VdbServiceProcess Launch(string dll, int port, int maxBatchPoints, string? persistDirectory)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, // content root: the build output's appsettings.json
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(dll);
        foreach (var name in Cleared)
            info.Environment.Remove(name);
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Sage__Vdb__Backend"] = "embedded";
        info.Environment["Sage__Vdb__MaxBatchPoints"] = maxBatchPoints.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (persistDirectory is not null)
            info.Environment["Sage__Vdb__PersistDirectory"] = persistDirectory;

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName} exec {dll}.");
        Live[process.Id] = process;
        var service = new VdbServiceProcess(process, port);
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    private async Task WaitReadyAsync()
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(StartTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"VDB service exited with code {_process.ExitCode} on port {Port}:{Environment.NewLine}{Output()}");
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await Http.GetAsync(new Uri("health", UriKind.Relative), cts.Token);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"VDB service on port {Port} not healthy within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{Output()}");
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        while (_output.Count > 50 && _output.TryDequeue(out _))
        {
        }
    }

    private string Output() => string.Join(Environment.NewLine, _output);

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            return host;
        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
