using System.Diagnostics;

namespace Sage.AppHost.Tests;

/// <summary>Runs a program these tests need (<c>redis-cli</c>, <c>dotnet</c>) to completion, bounded by a timeout.</summary>
internal static class CommandLine
{
    /// <summary>Runs <paramref name="program"/> and returns its standard output; a non-zero exit fails the test with its output.</summary>
    public static async Task<string> RunAsync(
        string program,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        // Drain both pipes while waiting, so a chatty program cannot block on a full buffer.
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', start.ArgumentList)} failed: {await output}{await error}");
        return await output;
    }
}
