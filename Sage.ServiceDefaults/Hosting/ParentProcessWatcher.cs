using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sage.ServiceDefaults.Hosting;

/// <summary>
/// Stops the service when the process named by <c>SAGE_PARENT_PID</c> (the <c>sage</c> launcher) exits, so no service
/// outlives its launcher even when the launcher is killed outright. Does nothing when the variable is not set.
/// </summary>
public sealed class ParentProcessWatcher(IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<ParentProcessWatcher> logger)
    : BackgroundService
{
    /// <summary>The variable the launcher sets to its own process id.</summary>
    public const string ParentPidVariable = "SAGE_PARENT_PID";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!int.TryParse(configuration[ParentPidVariable], NumberStyles.None, CultureInfo.InvariantCulture, out var parentPid))
            return;

        using var parent = TryOpen(parentPid);
        try
        {
            while (parent is not null && IsAlive(parent, parentPid))
                await Task.Delay(PollInterval, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return; // The service is stopping anyway.
        }

        logger.LogWarning("The launcher (pid {ParentPid}) is gone; stopping.", parentPid);
        lifetime.StopApplication();
        // If a graceful stop hangs, the service must still not outlive the launcher.
        _ = Task.Delay(ExitGrace, CancellationToken.None).ContinueWith(_ => Environment.Exit(1), TaskScheduler.Default);
    }

    private static Process? TryOpen(int pid)
    {
        try
        {
            return Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return null; // Already exited.
        }
    }

    // A launcher killed outright may linger as a zombie its own parent has not reaped; being re-parented tells us too.
    private static bool IsAlive(Process parent, int parentPid)
    {
        parent.Refresh();
        if (parent.HasExited)
            return false;
        return !OperatingSystem.IsLinux() || ParentOfThisProcess() is not { } ppid || ppid == parentPid;
    }

    private static int? ParentOfThisProcess()
    {
        try
        {
            // /proc/self/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
