using System.ComponentModel;
using System.Diagnostics;

namespace Sage.AppHost.Tests;

/// <summary>Answers whether the container runtime Aspire would use is installed and running.</summary>
internal static class ContainerRuntime
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The runtime Aspire picks: its own setting, else docker (Aspire's default).</summary>
    public static string Name =>
        Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME")
        ?? Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME")
        ?? "docker";

    /// <summary><c>{runtime} info</c> succeeds only when the CLI is installed and its engine answers.</summary>
    public static async Task<bool> IsRunningAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Name, "info")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception)
        {
            return false;
        }

        if (process is null)
        {
            return false;
        }

        using (process)
        {
            // Drain both pipes so a chatty `info` cannot block on a full buffer.
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).WaitAsync(ProbeTimeout, cancellationToken);
                await Task.WhenAll(output, error).WaitAsync(ProbeTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
    }
}
