using System.Diagnostics;

namespace Sage.Testing;

/// <summary>Runs a command-line tool the fixtures need (<c>openssl</c>, <c>redis-cli</c>) to completion.</summary>
internal static class CommandLineTool
{
    /// <summary>Runs <paramref name="executable"/> with no input; returns its standard output.</summary>
    /// <exception cref="InvalidOperationException">It exited with a non-zero code (the message holds its output), or did not finish before cancellation.</exception>
    public static async Task<string> RunAsync(string executable, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var command = $"{Path.GetFileName(executable)} {string.Join(' ', start.ArgumentList)}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{command} did not finish in time.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed ({process.ExitCode}): {await error}{await output}");
        }

        return await output;
    }
}
