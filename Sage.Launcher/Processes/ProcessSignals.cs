using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sage.Launcher.Processes;

/// <summary>Asks a process to stop: SIGTERM on Linux and macOS (.NET has no API for it), a kill on Windows.</summary>
internal static partial class ProcessSignals
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM so the process stops gracefully; on Windows there is nothing gentler than a kill.</summary>
    public static void Terminate(Process process)
    {
        try
        {
            if (OperatingSystem.IsWindows())
                process.Kill(entireProcessTree: true);
            else
                _ = SendSignal(process.Id, SigTerm);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Kills the process and anything it started, ignoring one that is already gone.</summary>
    public static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
