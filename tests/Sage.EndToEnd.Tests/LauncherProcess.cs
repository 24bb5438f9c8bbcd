using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Sage.EndToEnd.Tests;

/// <summary>
/// `dotnet sage.dll …` as a child process of the test, its output captured, stopped by a real signal. Every process
/// it reports starting is remembered, so a test can check by PID that none is left.
/// </summary>
internal sealed partial class LauncherProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private LauncherProcess(Process process, int portBase)
    {
        _process = process;
        PortBase = portBase;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int PortBase { get; }

    public int Id => _process.Id;

    public string MemoryUrl => $"http://localhost:{PortBase}";

    public string KvUrl => $"http://localhost:{PortBase + 1}";

    public string VdbUrl => $"http://localhost:{PortBase + 2}";

    public string Output => string.Join('\n', _lines);

    public bool HasExited => _process.HasExited;

    /// <summary>PIDs of every service and redis-server the launcher said it started, by name (the latest start wins).</summary>
    public IReadOnlyDictionary<string, int> ChildPids
    {
        get
        {
            var pids = new Dictionary<string, int>();
            foreach (var line in _lines)
            {
                var match = StartedLine().Match(line);
                if (match.Success)
                    pids[match.Groups["name"].Value] = int.Parse(match.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            return pids;
        }
    }

    /// <summary>Starts `sage` with <paramref name="arguments"/>; `run` gets three consecutive free ports unless it names its own.</summary>
    public static LauncherProcess Start(params string[] arguments) => Start(new Dictionary<string, string>(), arguments);

    /// <summary>As <see cref="Start(string[])"/>, with <paramref name="environment"/> added to the launcher's (and so its children's).</summary>
    public static LauncherProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var portBase = FreePortBase();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        start.ArgumentList.Add(SageDll);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        if (arguments.Length > 0 && arguments[0] == "run" && !arguments.Contains("--port-base"))
        {
            start.ArgumentList.Add("--port-base");
            start.ArgumentList.Add(portBase.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return new LauncherProcess(Process.Start(start)!, portBase);
    }

    /// <summary>Starts `sage run …` and waits until it says every service is healthy.</summary>
    public static Task<LauncherProcess> RunAsync(params string[] arguments) => RunAsync(new Dictionary<string, string>(), arguments);

    /// <summary>As <see cref="RunAsync(string[])"/>, with <paramref name="environment"/> added.</summary>
    public static async Task<LauncherProcess> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var launcher = Start(environment, ["run", .. arguments]);
        await launcher.WaitForOutputAsync("all services are up", StartTimeout);
        return launcher;
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (_process.HasExited)
            {
                await Task.Delay(200); // let the last lines arrive
                if (_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
                    return;
                throw new Xunit.Sdk.XunitException($"sage exited ({_process.ExitCode}) before printing '{text}':\n{Output}");
            }
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"sage did not print '{text}' within {timeout.TotalSeconds} s:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (15 SIGTERM, 2 SIGINT, 9 SIGKILL) to the launcher.</summary>
    public void Signal(int signal) => _ = SendSignal(_process.Id, signal);

    /// <summary>kill(2): sends <paramref name="signal"/> to any process; 0 when delivered.</summary>
    public static int Kill(int pid, int signal) => SendSignal(pid, signal);

    /// <summary>Sends a signal and waits (bounded) for the launcher to exit; returns its exit code.</summary>
    public async Task<int> StopAsync(int signal = 15)
    {
        Signal(signal);
        return await WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(15);
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        foreach (var pid in ChildPids.Values.Where(IsRunning))
            _ = SendSignal(pid, 9);
        _process.Dispose();
    }

    /// <summary>True while a process with this PID exists and is not a zombie.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static async Task WaitUntilGoneAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var remaining = pids.ToList();
        while ((remaining = remaining.Where(IsRunning).ToList()).Count > 0)
        {
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"Still running after {timeout.TotalSeconds} s: pids {string.Join(", ", remaining)}");
            await Task.Delay(100);
        }
    }

    private static string SageDll { get; } = typeof(LauncherProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "sage-launcher").Value!;

    // Three consecutive free ports: bind port 0 for a candidate, then check the next two.
    private static int FreePortBase()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            if (port < 65000 && IsFree(port + 1) && IsFree(port + 2))
                return port;
        }
        throw new InvalidOperationException("No three consecutive free ports found.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"started (?<name>\w+) \(pid (?<pid>\d+)\)")]
    private static partial Regex StartedLine();

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
