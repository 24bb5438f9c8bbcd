using System.Diagnostics;

namespace Sage.AppHost.Tests;

/// <summary>Asks a Redis directly with Debian's <c>redis-cli</c>, to see what KV really wrote there.</summary>
internal static class RedisCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>The full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs one command against the Redis of an Aspire connection string (<c>host:port,password=…</c>).</summary>
    public static async Task<string> RunAsync(string connectionString, CancellationToken cancellationToken, params string[] command)
    {
        var parts = connectionString.Split(',');
        var hostPort = parts[0].Split(':');
        var password = parts.Skip(1).Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "password")?[1];

        var start = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-h", hostPort[0], "-p", hostPort[1], "--no-auth-warning", "--raw" })
        {
            start.ArgumentList.Add(argument);
        }

        if (password is not null)
        {
            // REDISCLI_AUTH keeps the password off the command line.
            start.Environment["REDISCLI_AUTH"] = password;
        }

        foreach (var argument in command)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(Timeout, cancellationToken);
        Assert.True(process.ExitCode == 0, $"redis-cli failed: {await error}");
        return (await output).Trim();
    }
}
