using System.Diagnostics;
using Sage.Launcher.Output;

namespace Sage.Launcher.Processes;

/// <summary>
/// A process the launcher started: its output streamed to the console under its name, its last lines kept, and a
/// graceful stop (SIGTERM, then a kill after a grace period).
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly LogTail _tail = new();
    private readonly Task _exited;

    private ChildProcess(string name, Process process, ServiceLog log)
    {
        Name = name;
        _process = process;
        process.OutputDataReceived += (_, e) => OnLine(log, e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => OnLine(log, e.Data, isError: true);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _exited = process.WaitForExitAsync();
        StartedAt = DateTimeOffset.UtcNow;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public DateTimeOffset StartedAt { get; }

    /// <summary>Completes when the process exits, whoever stopped it.</summary>
    public Task Exited => _exited;

    public bool HasExited => _exited.IsCompleted;

    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <summary>The last lines it wrote (stdout and stderr interleaved as they arrived).</summary>
    public IReadOnlyList<string> RecentLines => _tail.Lines();

    /// <summary>Starts <paramref name="fileName"/> with exactly the given environment on top of the inherited one.</summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment, string workingDirectory, ServiceLog log)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var variable in ServiceEnvironment.NotInherited)
            start.Environment.Remove(variable);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        return new ChildProcess(name, process, log);
    }

    /// <summary>Asks the process to stop, and kills it if it has not within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (HasExited)
            return;
        ProcessSignals.Terminate(_process);
        if (await Task.WhenAny(_exited, Task.Delay(grace)) != _exited)
        {
            ProcessSignals.Kill(_process);
            await Task.WhenAny(_exited, Task.Delay(TimeSpan.FromSeconds(5)));
        }
    }

    /// <summary>Kills at once, for start-up failures where nothing is worth waiting for.</summary>
    public void Kill() => ProcessSignals.Kill(_process);

    public void Dispose() => _process.Dispose();

    private void OnLine(ServiceLog log, string? line, bool isError)
    {
        if (line is null)
            return;
        _tail.Add(line);
        log.Write(Name, line, isError);
    }
}
