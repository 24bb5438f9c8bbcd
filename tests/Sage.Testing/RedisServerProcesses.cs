using System.Collections.Concurrent;
using System.Diagnostics;

namespace Sage.Testing;

/// <summary>
/// Every redis-server this test process started, so none outlives it: killed on dispose, on normal exit
/// (ProcessExit), and by a tiny shell watchdog if the test process dies without running any hook.
/// </summary>
internal static class RedisServerProcesses
{
    private static readonly ConcurrentDictionary<Process, Process?> Live = new();

    static RedisServerProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Live.Keys)
        {
            Kill(process);
        }
    };

    public static Process Start(string executable, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Live[process] = StartWatchdog(process.Id);
        return process;
    }

    public static async Task StopAsync(Process process)
    {
        if (Live.TryRemove(process, out var watchdog) && watchdog is not null)
        {
            Kill(watchdog);
            watchdog.Dispose();
        }

        Kill(process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"redis-server (pid {process.Id}) did not exit after SIGKILL.");
        }

        process.Dispose();
    }

    private static Process? StartWatchdog(int serverPid)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(
            $"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 {serverPid} 2>/dev/null; do sleep 1; done; kill -9 {serverPid} 2>/dev/null");
        try
        {
            return File.Exists("/bin/sh") ? Process.Start(start) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
