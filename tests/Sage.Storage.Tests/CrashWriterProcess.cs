using System.Diagnostics;
using System.Reflection;

namespace Sage.Storage.Tests;

/// <summary>
/// tests/Sage.Storage.CrashWriter as a real process: it writes and appends each write's number to an acknowledgements
/// file only after the store returned; the test kills it with SIGKILL once enough writes were acknowledged.
/// </summary>
internal static class CrashWriterProcess
{
    /// <summary>Runs the writer with <paramref name="arguments"/> until <paramref name="wanted"/> writes are acknowledged, kills it, and returns them.</summary>
    public static async Task<List<int>> WriteUntilKilledAsync(string acksPath, int wanted, params string[] arguments)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var child = Start([.. arguments, acksPath]);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (ReadAcks(acksPath).Count < wanted)
            {
                if (child.HasExited)
                {
                    Assert.Fail($"the writer exited early with code {child.ExitCode}: {await child.StandardOutput.ReadToEndAsync(cancellationToken)}{await child.StandardError.ReadToEndAsync(cancellationToken)}");
                }
                if (DateTime.UtcNow > deadline)
                {
                    child.Kill(entireProcessTree: true);
                    Assert.Fail($"the writer acknowledged too few writes within 60 s: {await child.StandardOutput.ReadToEndAsync(cancellationToken)}");
                }
                await Task.Delay(50, cancellationToken);
            }
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(cancellationToken);
        }
        return ReadAcks(acksPath);
    }

    private static Process Start(string[] arguments)
    {
        var writer = typeof(CrashWriterProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "crash-writer").Value!;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(writer);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start the writer {writer}");
    }

    private static List<int> ReadAcks(string path)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        // A line cut off by the kill has no newline yet and is not an acknowledgement.
        var text = reader.ReadToEnd();
        return text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => int.Parse(line, System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }
}
